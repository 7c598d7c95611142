"""Set-based writes for large imports, below the ORM's per-object cost.

`bulk_create`/`bulk_update` build one Python model object and one SQL parameter per value;
for a 100,000-row roster that dominates the run. These helpers write plain tuples: COPY on
PostgreSQL, executemany elsewhere. Callers pass database-ready values (dates, bools, str, aware
datetimes) for concrete columns; no model signals (`core.signals.rows_written` instead), no
model validation (services validate first).
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

from core.crypto import DigestField, EncryptedTextField, blind_index
from core.signals import rows_written


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError("%s.%s is not a concrete column" % (model.__name__, name))
    return field


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [str(concrete_field(model, name).column) for name in fields]


def _stored(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], offset: int
) -> tuple[list[str], Iterable[Sequence[Any]]]:
    """Fields and rows as stored: encrypted columns sealed (core.crypto) and each digest
    column that indexes one of them added, computed from the plain value. `offset` leading
    values of each row (a primary key) pass through."""
    fields = list(fields)
    sealers = {
        i: field.raw_value
        for i, name in enumerate(fields)
        if isinstance(field := concrete_field(model, name), EncryptedTextField)
    }
    indexed = [
        (field.name, fields.index(field.source))
        for field in model._meta.concrete_fields
        if isinstance(field, DigestField) and field.source in fields and field.name not in fields
    ]
    if not sealers and not indexed:
        return fields, rows
    extra = [name for name, _source in indexed]

    def convert(row: Sequence[Any]) -> list[Any]:
        head, values = list(row[:offset]), list(row[offset:])
        added = [blind_index(values[i]) if values[i] else None for _name, i in indexed]
        for i, seal in sealers.items():
            values[i] = seal(values[i])
        return [*head, *values, *added]

    return [*fields, *extra], (convert(row) for row in rows)


# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_BATCH = 2000


def _copy_field(value: Any) -> str:
    """One value in COPY's text format; TypeError for a type this does not know."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is not str and isinstance(value, str):  # TextChoices members: their plain text
        value, kind = str.__str__(value), str
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal:
        return str(value)
    if kind is datetime.date:
        return value.isoformat()
    if kind is datetime.datetime and value.tzinfo is not None:
        return value.isoformat()
    raise TypeError(kind)


def _copy_rows(copy: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Write rows to a text COPY, formatted here in batches (psycopg's write_row costs a few
    Python calls per row); a row with a value of another type goes through write_row."""
    lines: list[str] = []
    for row in rows:
        try:
            lines.append("\t".join([_copy_field(value) for value in row]))
        except TypeError:
            if lines:
                copy.write("\n".join(lines) + "\n")
                lines = []
            copy.write_row(row)
            continue
        if len(lines) >= _COPY_BATCH:
            copy.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        copy.write("\n".join(lines) + "\n")


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT rows of `fields` values into the model's table (COPY on PostgreSQL)."""
    fields, rows = _stored(model, fields, rows, 0)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy("COPY %s (%s) FROM STDIN" % (table, columns)) as copy:
                _copy_rows(copy, rows)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                "INSERT INTO %s (%s) VALUES (%s)" % (table, columns, placeholders),  # noqa: S608  # nosec B608 # quoted model metadata; values are parameters
                list(rows),
            )
    rows_written.send(sender=model)


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """UPDATE `fields` by primary key; each row is (pk, *values)."""
    fields, rows = _stored(model, fields, rows, 1)
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    columns = [connection.ops.quote_name(c) for c in _columns(model, fields)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Stage the new values with COPY, then one UPDATE … FROM joins them in.
            staged = connection.ops.quote_name("staged_%s" % model._meta.db_table)
            cursor.execute(
                "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s, %s FROM %s WITH NO DATA"  # noqa: S608  # nosec B608 # quoted model metadata only
                % (staged, pk_column, ", ".join(columns), table)
            )
            raw = cursor.cursor
            with raw.copy(
                "COPY %s (%s, %s) FROM STDIN" % (staged, pk_column, ", ".join(columns))
            ) as copy:
                _copy_rows(copy, rows)
            assignments = ", ".join("%s = s.%s" % (c, c) for c in columns)
            cursor.execute(
                "UPDATE %s AS t SET %s FROM %s AS s WHERE t.%s = s.%s"  # noqa: S608  # nosec B608 # quoted model metadata only
                % (table, assignments, staged, pk_column, pk_column)
            )
            cursor.execute("DROP TABLE %s" % staged)
        else:
            assignments = ", ".join("%s = %%s" % c for c in columns)
            cursor.executemany(
                "UPDATE %s SET %s WHERE %s = %%s" % (table, assignments, pk_column),  # noqa: S608  # nosec B608 # quoted model metadata; values are parameters
                [(*row[1:], row[0]) for row in rows],
            )
    rows_written.send(sender=model)
