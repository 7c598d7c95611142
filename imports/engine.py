"""The one spreadsheet import engine behind every data set (enterprises, roster, unions, funds).

A run goes: read the file defensively (`reading.read_sheet`) → find the header row → parse every
cell, collecting every error with its Excel row number → let the data set check rows against each
other and the database (set-based) → plan the changes → apply the plan in one transaction.
A file with any error changes nothing (DOMAIN.md: every import is all-or-nothing), and a dry run
reports exactly what the real run would.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from core.signals import rows_written
from imports.cells import is_blank, normalise_header
from imports.reading import MAX_DATA_ROWS, Sheet, UnusableFile, read_sheet

logger = logging.getLogger(__name__)

# Sheets the portal itself adds to its templates and annotated files: not worth a warning.
OWN_NOTE_SHEETS = frozenset({"填写说明", "错误清单"})

# How many rows from the top may hold titles before the header
# ("某某公司职工花名册", "填报日期：…").
HEADER_SEARCH_ROWS = 30


class ImportRefused(Exception):
    """The file is readable but cannot be used at all (exit 2): a rule stops the whole file."""

    def __init__(self, message: str, *, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Issue:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Column:
    """A column of a data set: its canonical header, accepted variants and cell parser."""

    name: str
    parse: Callable[[Any], Any]
    required: bool = False
    variants: tuple[str, ...] = ()
    # Whether parse_rows keeps each distinct value's outcome (False where nearly every row has
    # its own value, e.g. ID numbers).
    cached: bool = True

    def header_keys(self) -> set[str]:
        return {normalise_header(self.name), *(normalise_header(v) for v in self.variants)}


@dataclass(frozen=True)
class DataSet:
    name: str
    sheet_name: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class Report:
    """Errors and warnings collected during a run, in the order they were found."""

    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(Issue(row, column, message))

    def warning(self, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Issue(row, column, message))


COUNT_KEYS = ("rows", "created", "updated", "unchanged", "departed", "skipped", "errors")


@dataclass
class ImportResult:
    ok: bool
    applied: bool
    dry_run: bool
    counts: dict[str, int]
    errors: list[Issue]
    warnings: list[Issue]
    exit_code: int
    sheet_name: str | None = None
    columns: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # The checked rows, kept only when the caller asks (a preview applied later).
    parsed: ParsedFile | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "applied": self.applied,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass
class ParsedFile:
    """A file's rows after parsing and checking: what a preview keeps for its apply step."""

    rows: list[ParsedRow]
    skipped: int
    columns: list[str]
    sheet_name: str
    warnings: list[Issue] = field(default_factory=list)


# progress(stage, done, total): stages are "read", "parse", "check", "plan", "apply".
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class Plan:
    """What a run would change. `counts` uses COUNT_KEYS; `data` is for the importer's apply."""

    counts: dict[str, int] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportContext:
    """What an importer is built for: one run of one file."""

    actor: Any  # the acting user; None for a command
    enterprise: Any = None  # the enterprise an upload belongs to (from the page, never the file)
    preview: bool = False  # the first step of a two-step upload: plan, write nothing
    confirm_departures: bool = False
    source: str = "web"  # "web", "admin" or "cli"


class Importer:
    """Base for one data set. Subclasses set `dataset` and implement check/plan/apply.

    `check` adds row errors for rules that span rows or need the database; `plan` computes the
    changes with a few set-based queries; `apply` writes them with bulk operations. `plan` and
    `apply` may raise ImportRefused for a rule that stops the whole file.
    """

    dataset: DataSet
    # Canonical names of the columns the file has; a column absent from the file leaves the
    # stored field untouched, while a blank cell in a present column clears it.
    columns_present: frozenset[str] = frozenset()

    @classmethod
    def from_context(cls, context: ImportContext) -> Importer:
        """The importer for one run (imports.registry); data sets that need the enterprise,
        the actor or the preview flag override this."""
        return cls()

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        """Cross-row and database checks; the default checks nothing."""

    def lock(self) -> None:
        """Inside the applying transaction, before `plan`: serialise competing imports."""

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan) -> None:
        raise NotImplementedError


def _counts(**values: int) -> dict[str, int]:
    return {key: int(values.get(key, 0)) for key in COUNT_KEYS}


def refusal_result(
    message: str, *, dry_run: bool, column: str | None = None, report: Report | None = None
) -> ImportResult:
    warnings = report.warnings if report else []
    return ImportResult(
        ok=False,
        applied=False,
        dry_run=dry_run,
        counts=_counts(errors=1),
        errors=[Issue(None, column, message)],
        warnings=warnings,
        exit_code=2,
    )


def locate_header(sheet: Sheet, dataset: DataSet) -> tuple[int, dict[int, Column], list[Issue]]:
    """Find the header row under any title rows; return its position and column map.

    Raises ImportRefused naming each missing required column, or when no header is found.
    """
    keys: dict[str, Column] = {}
    for column in dataset.columns:
        for key in column.header_keys():
            keys[key] = column

    best: tuple[int, int, dict[int, Column], list[Issue]] | None = None
    for position, (row_number, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, Column] = {}
        unknown: list[Issue] = []
        seen: dict[str, int] = {}
        duplicate: str | None = None
        for index, cell in enumerate(cells):
            header = normalise_header(cell)
            if not header:
                continue
            if header not in keys:
                unknown.append(
                    Issue(
                        None,
                        header,
                        gettext("未识别的列“%(header)s”，已忽略。") % {"header": header},
                    )
                )
                continue
            column = keys[header]
            if column.name in seen:
                duplicate = column.name
            seen[column.name] = index
            mapping[index] = column
        if duplicate is not None and all(c.name in seen for c in dataset.required):
            raise ImportRefused(
                gettext("表头第%(row)s行中“%(column)s”列出现了不止一次，请删除多余的列。")
                % {"row": row_number, "column": duplicate},
                column=duplicate,
            )
        if all(c.name in seen for c in dataset.required):
            return position, mapping, unknown
        score = len(seen)
        if best is None or score > best[1]:
            best = (position, score, mapping, unknown)

    if best is None or best[1] < 2:
        raise ImportRefused(
            gettext(
                "没有找到“%(dataset)s”的表头行。请使用下载的模板，表头至少要包含：%(columns)s。"
            )
            % {"dataset": dataset.name, "columns": "、".join(c.name for c in dataset.required)}
        )
    found = {c.name for c in best[2].values()}
    missing = [c.name for c in dataset.required if c.name not in found]
    raise MissingColumns(missing)


class MissingColumns(Exception):
    def __init__(self, missing: list[str]):
        super().__init__(missing)
        self.missing = missing


PROGRESS_EVERY = 5000
# First characters after which a text cell may still be blank (cells.is_blank ignores them).
_MAYBE_BLANK_START = frozenset("'\u200b\u200c\u200d\u2060\ufeff\u00ad")
_RELEASED: tuple[int, list[object]] = (0, [])


def parse_rows(
    sheet: Sheet,
    dataset: DataSet,
    header_position: int,
    mapping: dict[int, Column],
    report: Report,
    progress: Progress = _no_progress,
) -> tuple[list[ParsedRow], int]:
    """Parse every row below the header; every bad cell becomes an error. Returns rows, skipped.

    Consumes the sheet's data rows (their raw cells are dropped once parsed).
    """
    parsed: list[ParsedRow] = []
    skipped = 0
    header_keys = {column.name: column.header_keys() for column in mapping.values()}
    first_required = dataset.required[0].name
    # The header row's own text in the first required column: a cheap exact test before the
    # normalised comparison, since _is_header_again runs for every row.
    header_cells = sheet.rows[header_position][1]
    probe_texts = {
        str(header_cells[index]).strip()
        for index, column in mapping.items()
        if column.name == first_required
    }
    columns = list(mapping.items())
    probe_index = next(i for i, column in columns if column.name == first_required)
    # Parsed value or error per distinct raw value and column: most columns repeat their values
    # (村, 是/否, 技能等级, dates), so large files parse each distinct cell once. Columns whose
    # values differ row to row (Column.cached false: ID numbers, names, phones) are parsed
    # directly: a cache would only cost time and memory there.
    caches: list[dict[Any, tuple[Any, list[str] | None]] | None] = [
        {} if column.cached else None for _, column in columns
    ]
    plan = [
        (index, column.name, column.parse, column.required, position)
        for position, (index, column) in enumerate(columns)
    ]
    required_count = len(dataset.required)
    data = sheet.rows
    total = len(data) - header_position - 1
    for position in range(header_position + 1, len(data)):
        done = position - header_position - 1
        if done % PROGRESS_EVERY == 0:
            progress("parse", done, total)
        row_number, cells = data[position]
        # Raw cells are released as they are parsed: a large file's peak memory is then the
        # larger of raw and parsed rows, not their sum. The sheet is consumed.
        data[position] = _RELEASED
        width = len(cells)
        values: dict[str, Any] = {}
        # What is wrong with the row, in column order; reported only once the row is known to
        # be data (not blank, not a repeated header).
        issues: list[tuple[str, str]] = []
        blanks = required_blanks = 0
        for index, name, parse, required, slot in plan:
            value = cells[index] if index < width else None
            # A text cell whose first character is visible is not blank: the regular
            # expression in is_blank only runs for the few cells that start otherwise.
            if value is None or (
                type(value) is str
                and (not value or value[0] in _MAYBE_BLANK_START or value[0].isspace())
                and is_blank(value)
            ):
                values[name] = None
                blanks += 1
                if required:
                    required_blanks += 1
                    issues.append(
                        (name, gettext("“%(column)s”不能为空，请填写。") % {"column": name})
                    )
                continue
            cache = caches[slot]
            if cache is None:
                try:
                    values[name] = parse(value)
                except ValidationError as exc:
                    values[name] = None
                    issues.extend((name, message) for message in exc.messages)
                continue
            # Text is keyed by itself; other cells with their type, so that a TRUE cell and
            # the number 1 (equal in Python) are parsed apart.
            key = value if type(value) is str else (value.__class__, value)
            outcome = cache.get(key)
            if outcome is None:
                try:
                    outcome = (parse(value), None)
                except ValidationError as exc:
                    outcome = (None, exc.messages)
                cache[key] = outcome
            values[name] = outcome[0]
            if outcome[1] is not None:
                issues.extend((name, message) for message in outcome[1])
        if blanks == len(plan):
            # Only unmapped columns have text (e.g. "制表人：张三" under the table).
            skipped += 1
            report.warning(
                row_number,
                None,
                gettext("第%(row)s行没有可导入的数据，已跳过。") % {"row": row_number},
            )
            continue
        probe = cells[probe_index] if probe_index < width else None
        if isinstance(probe, str) and probe.strip() in probe_texts:
            raw = {column.name: cells[i] if i < width else None for i, column in columns}
            if _is_header_again(raw, header_keys):
                skipped += 1
                report.warning(
                    row_number,
                    None,
                    gettext("第%(row)s行是重复的表头，已跳过。") % {"row": row_number},
                )
                continue
        if required_blanks == required_count:
            skipped += 1
            report.warning(
                row_number,
                None,
                gettext("第%(row)s行的必填列都是空的，已跳过。") % {"row": row_number},
            )
            continue
        for name, message in issues:
            report.error(row_number, name, message)
        parsed.append(ParsedRow(row=row_number, values=values))
    return parsed, skipped


def _is_header_again(raw: dict[str, Any], header_keys: dict[str, set[str]]) -> bool:
    """A header row pasted again inside the data (tables copied one under another)."""
    return all(normalise_header(raw[name]) in keys for name, keys in header_keys.items())


_P = ParamSpec("_P")
_R = TypeVar("_R")


def collector_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with Python's cyclic garbage collector paused.

    A large file is millions of live objects (cells, parsed values, rows to write), none of
    them in reference cycles; every full collection would walk them all, a fifth of a
    100,000-row roster's run. They are freed by reference counting as usual; the collector
    resumes when the run ends, even when it fails, and its next pass takes what cycles there
    were.
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@collector_paused
def run_import(
    importer: Importer,
    source: str | bytes | BinaryIO,
    *,
    filename: str,
    dry_run: bool,
    progress: Progress = _no_progress,
    keep_rows: bool = False,
) -> ImportResult:
    """Run one import end to end. Never raises for bad input: the result says what happened.

    With `keep_rows`, a clean result carries the checked rows (`result.parsed`) so that a
    preview can be applied later with `run_parsed_import` without reading the file again.
    """
    dataset = importer.dataset
    report = Report()
    progress("read", 0, 1)
    try:
        sheet = read_sheet(source, filename=filename, preferred_sheet=dataset.sheet_name)
    except UnusableFile as exc:
        return refusal_result(exc.message, dry_run=dry_run)

    if sheet.hidden_sheets:
        report.warning(
            None,
            None,
            gettext("已忽略隐藏的工作表：%(names)s。") % {"names": "、".join(sheet.hidden_sheets)},
        )
    unread = [name for name in sheet.other_visible_sheets if name not in OWN_NOTE_SHEETS]
    if unread:
        report.warning(
            None,
            None,
            gettext("只读取了工作表“%(sheet)s”，未读取：%(names)s。")
            % {"sheet": sheet.name, "names": "、".join(unread)},
        )

    try:
        position, mapping, unknown = locate_header(sheet, dataset)
    except ImportRefused as exc:
        refusal = refusal_result(exc.message, dry_run=dry_run, column=exc.column, report=report)
        refusal.sheet_name = sheet.name
        return refusal
    except MissingColumns as exc:
        errors = [
            Issue(
                None,
                name,
                gettext("缺少必填列“%(column)s”，请按模板补上该列。") % {"column": name},
            )
            for name in exc.missing
        ]
        return ImportResult(
            ok=False,
            applied=False,
            dry_run=dry_run,
            counts=_counts(errors=len(errors)),
            errors=errors,
            warnings=report.warnings,
            exit_code=2,
            sheet_name=sheet.name,
        )
    report.warnings.extend(unknown)

    data_rows = len(sheet.rows) - position - 1
    if data_rows > MAX_DATA_ROWS:
        refusal = refusal_result(
            gettext("文件有%(rows)s行数据，超过了%(max)s行的上限，请拆分后分批上传。")
            % {"rows": data_rows, "max": MAX_DATA_ROWS},
            dry_run=dry_run,
            report=report,
        )
        refusal.sheet_name = sheet.name
        return refusal

    rows, skipped = parse_rows(sheet, dataset, position, mapping, report, progress)
    parsed = ParsedFile(
        rows=rows,
        skipped=skipped,
        columns=[c.name for c in mapping.values()],
        sheet_name=sheet.name,
    )
    del sheet  # the raw cells are the largest thing a big import holds: free them before planning
    if not rows:
        # INTERFACES.md: no data row under the header is a file that cannot be used (exit 2).
        # Going on would treat the blank template as an empty roster and mark everyone departed.
        refusal = refusal_result(
            gettext("文件中没有数据行：“%(dataset)s”的表头下面没有任何记录。请填写后再上传。")
            % {"dataset": dataset.name},
            dry_run=dry_run,
            report=report,
        )
        refusal.sheet_name = parsed.sheet_name
        refusal.columns = parsed.columns
        refusal.counts["rows"] = skipped
        refusal.counts["skipped"] = skipped
        return refusal
    # The file's own warnings; checking and planning add theirs again on every run.
    parsed.warnings = list(report.warnings)
    result = _check_plan_apply(importer, parsed, report, dry_run=dry_run, progress=progress)
    if keep_rows and result.ok:
        result.parsed = parsed
    return result


@collector_paused
def run_parsed_import(
    importer: Importer,
    parsed: ParsedFile,
    *,
    dry_run: bool,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Check, plan and apply rows kept by an earlier preview, against the database as it is now.

    The checks run again (they are cheap and depend on the day); the plan is computed afresh
    because other imports or edits may have changed the data since the preview.
    """
    report = Report(warnings=list(parsed.warnings))
    return _check_plan_apply(importer, parsed, report, dry_run=dry_run, progress=progress)


def _check_plan_apply(
    importer: Importer,
    parsed: ParsedFile,
    report: Report,
    *,
    dry_run: bool,
    progress: Progress,
) -> ImportResult:
    rows, skipped, sheet_name = parsed.rows, parsed.skipped, parsed.sheet_name
    importer.columns_present = frozenset(parsed.columns)
    progress("check", 0, 1)
    # Cross-row checks only see rows whose own cells parsed, so one bad cell is reported once.
    rows_with_errors = {issue.row for issue in report.errors}
    clean_rows = [r for r in rows if r.row not in rows_with_errors]
    importer.check(clean_rows, report)
    if report.errors:
        report.errors.sort(key=lambda issue: issue.row or 0)
        return ImportResult(
            ok=False,
            applied=False,
            dry_run=dry_run,
            counts=_counts(rows=len(rows) + skipped, skipped=skipped, errors=len(report.errors)),
            errors=report.errors,
            warnings=report.warnings,
            exit_code=1,
            sheet_name=sheet_name,
            columns=parsed.columns,
        )

    try:
        progress("plan", 0, 1)
        if dry_run:
            plan = importer.plan(rows, report)
        else:
            with transaction.atomic():
                importer.lock()
                plan = importer.plan(rows, report)
                progress("apply", 0, 1)
                importer.apply(plan)
                # Importers may also write with bulk_create or QuerySet.update.
                rows_written.send(sender=type(importer))
    except ImportRefused as exc:
        refusal = refusal_result(exc.message, dry_run=dry_run, column=exc.column, report=report)
        refusal.sheet_name = sheet_name
        refusal.columns = parsed.columns
        return refusal

    counts = _counts(**{**plan.counts, "rows": len(rows) + skipped, "skipped": skipped})
    return ImportResult(
        ok=True,
        applied=not dry_run,
        dry_run=dry_run,
        counts=counts,
        errors=[],
        warnings=report.warnings,
        exit_code=0,
        details=plan.details,
        sheet_name=sheet_name,
        columns=parsed.columns,
    )


def lookup_in_chunks(
    queryset: Any,
    field_name: str,
    keys: Iterable[Any],
    chunk_size: int = 5000,
    *,
    fetch: Callable[[Any], list[Any]] = list,
) -> list[Any]:
    """Fetch rows whose `field_name` is in `keys` with a few IN queries (SQLite caps parameters).

    On PostgreSQL the keys travel as one array parameter: thousands of IN placeholders cost
    more to build and convert than the query itself. `fetch` turns each filtered queryset
    into its rows (imports.bulk.read_rows for a values_list of 10^5 rows).
    """
    keys = list(keys)
    if connection.vendor == "postgresql":
        if not keys:
            return []
        array_type = "bigint[]" if all(isinstance(k, int) for k in keys) else "text[]"
        subquery = RawSQL("SELECT unnest(%%s::%s)" % array_type, (keys,))  # noqa: S611  # nosec B611 # array_type is one of two constants; the keys are a parameter
        return fetch(queryset.filter(**{"%s__in" % field_name: subquery}))
    found: list[Any] = []
    for start in range(0, len(keys), chunk_size):
        found.extend(
            fetch(queryset.filter(**{"%s__in" % field_name: keys[start : start + chunk_size]}))
        )
    return found


def one_import_at_a_time(kind: str) -> None:
    """For an importer's `lock`, inside the applying transaction: imports of `kind` wait for
    each other, so a second one plans against what the first wrote (two files adding the same
    key would otherwise both plan a new row and the later insert would fail). A data set with
    no row to lock (a sub-district-wide key such as 证书编号) uses PostgreSQL's
    transaction-scoped advisory lock; SQLite writes one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["import:" + kind])
