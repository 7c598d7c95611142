"""Keep a previewed file's checked rows until the user confirms it (STYLE.md rule 4).

Preview and apply are two steps over one import record. Reading and parsing a large workbook is
most of an import's time, so the preview stores the rows it checked and the apply step plans
from them instead of reading the file again. The format is plain JSON, column by column, with
the few non-JSON value types (dates, amounts, resident IDs) written as text: nothing in it can
run code when loaded.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter
from typing import Any

from core.identity import ResidentId
from imports.engine import Issue, ParsedFile, ParsedRow

FORMAT_VERSION = 2


def _encode_resident(value: ResidentId) -> str:
    return value.number  # its birth date and sex are in it


def _decode_resident(value: str | list[str]) -> ResidentId:
    if isinstance(value, str):
        return ResidentId.of_checked(value)
    # [number, birth date, sex]: rows a preview staged before the number alone was kept
    return ResidentId(value[0], datetime.date.fromisoformat(value[1]), value[2])


# kind: (test, encode, decode); JSON-native values (text, numbers, booleans, lists) are "plain".
_KINDS: dict[str, tuple[type, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "resident_id": (ResidentId, _encode_resident, _decode_resident),
    "date": (datetime.date, datetime.date.isoformat, datetime.date.fromisoformat),
    "decimal": (Decimal, str, Decimal),
}


def _kind_of(values: list[Any]) -> str:
    for value in values:
        if value is None:
            continue
        for kind, (cls, _encode, _decode) in _KINDS.items():
            # datetime is a date subclass; parsers return plain dates.
            if type(value) is cls or (cls is not datetime.date and isinstance(value, cls)):
                return kind
        return "plain"
    return "plain"


def dump_parsed(parsed: ParsedFile) -> bytes:
    """Gzipped JSON lines: the file's facts, the Excel row numbers, then one line per column
    (written one at a time, so a large file is never held twice as text)."""
    names: list[str] = list(parsed.rows[0].values) if parsed.rows else []
    head = {
        "version": FORMAT_VERSION,
        "sheet_name": parsed.sheet_name,
        "skipped": parsed.skipped,
        "columns_present": parsed.columns,
        "warnings": [w.as_dict() for w in parsed.warnings],
        "names": names,
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1) as stream:
        stream.write(_line(head))
        stream.write(_line([row.row for row in parsed.rows]))
        rows = [row.values for row in parsed.rows]
        for name in names:
            try:
                values = list(map(itemgetter(name), rows))  # a column at C speed
            except KeyError:  # a row without this column
                values = [row_values.get(name) for row_values in rows]
            kind = _kind_of(values)
            if kind != "plain":
                encode = _KINDS[kind][1]
                values = [None if v is None else encode(v) for v in values]
            stream.write(_line({"kind": kind, "values": values}))
    return buffer.getvalue()


def _line(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def load_parsed(data: bytes) -> ParsedFile:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        head = json.loads(stream.readline())
        if head.get("version") != FORMAT_VERSION:
            raise ValueError("unknown staging format %r" % head.get("version"))
        numbers: list[int] = json.loads(stream.readline())
        columns: list[list[Any]] = []
        for _name in head["names"]:
            column = json.loads(stream.readline())
            values = column["values"]
            if column["kind"] != "plain":
                decode = _KINDS[column["kind"]][2]
                values = [None if v is None else decode(v) for v in values]
            columns.append(values)
    names = head["names"]
    if columns:
        rows = [
            ParsedRow(row=number, values=dict(zip(names, cells, strict=True)))
            for number, cells in zip(numbers, zip(*columns, strict=True), strict=True)
        ]
    else:
        rows = [ParsedRow(row=number, values={}) for number in numbers]
    return ParsedFile(
        rows=rows,
        skipped=head["skipped"],
        columns=head["columns_present"],
        sheet_name=head["sheet_name"],
        warnings=[Issue(w["row"], w["column"], w["message"]) for w in head["warnings"]],
    )
