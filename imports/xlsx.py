"""How the portal writes .xlsx files: two ways, and this module is the rule and the first way.

(a) **openpyxl, for every workbook the portal builds from its own data.**
    - Styled templates and reports use openpyxl's normal mode: the roster template and export
      (workers/roster_workbook.py), the training templates (training/workbook.py) and the
      periodic report with its native charts (reports/workbook.py). They need merged cells,
      fills, data validation or charts, and they are small. They turn into bytes only through
      `workbook_bytes` below, which writes every string cell as text.
    - Every plain table (a list page's download, an admin export) goes through ONE helper,
      `table_workbook` below, in openpyxl's write-only mode: rows are pulled from an iterable
      and written to a temporary file as they come, so 100,000 rows stay small in memory. It
      writes a bold, frozen header row, sane column widths, valid sheet names, and text cells
      for the columns that hold codes (统一社会信用代码, 身份证号, 电话 …) so Excel never turns
      them into numbers; text is never written as a formula. Admin registers export through
      `imports.admin.XlsxExportMixin`, which uses this helper.

(b) **The streaming SpreadsheetML writer of imports/annotate.py, only to give an uploaded file
    back with its 错误说明 column.** It copies up to 200,000 rows of the user's own file, row
    for row, where openpyxl would need 20 to 40 seconds inside a page request.

Text is never written as a formula, by either way (issue 12): a name someone typed as "=1+1",
"@SUM(A1)" or "#N/A" is a text cell holding exactly that, which Excel shows and never evaluates.
The portal writes no formulas of its own. No CSV is written anywhere; one that is must pass its
values through `csv_text`, since CSV has no text type.

Nothing else writes .xlsx: no tablib or django-import-export (kept in requirements-dev.txt only
as bench/import_export_baseline.py's speed baseline), no second writer. `core` never imports
openpyxl (the import-linter "kernel" contract): views send these bytes with
`core.http.xlsx_response`.
"""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from __future__ import annotations

import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Excel's limits on a sheet name: 31 characters (UTF-16 units), none of \ / ? * [ ] :, not
# starting or ending with an apostrophe, unique without regard to case, not "History".
SHEET_TITLE_MAX = 31
_TITLE_REPLACEMENTS = str.maketrans(
    {"\\": "＼", "/": "／", "?": "？", "*": "＊", "[": "［", "]": "］", ":": "："}
)
_RESERVED_TITLES = {"history"}
_EDGES = re.compile(r"^[\s']+|[\s']+$")
_END = re.compile(r"[\s']+$")
TEXT_FORMAT = "@"
_MIN_WIDTH = 8
_MAX_DEFAULT_WIDTH = 60
# How a spreadsheet program tells a formula from text in a cell typed or read without a type
# (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One sheet of a plain table.

    `rows` is any iterable of row sequences (a generator or a queryset's `.iterator()`): it is
    read once, row by row. `text_columns` are 0-based column indexes whose values are written
    as text cells in the text number format (codes with leading zeros or 18 digits).
    `widths` gives column widths in Excel's units (None or missing: from the header).
    `notes` are lines written above the header (e.g. "截至 2025-06-30").
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    text_columns: Collection[int] = ()
    widths: Sequence[float | None] = ()
    notes: Sequence[str] = ()


def table_workbook(sheets: Sequence[Table]) -> bytes:
    """The .xlsx bytes of one sheet per table, written in openpyxl's write-only mode."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    taken: list[str] = []
    for table in sheets:
        title = sheet_title(table.title, taken)
        taken.append(title)
        _write_table(workbook.create_sheet(title), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx bytes of a workbook built in openpyxl's normal mode, every string cell written
    as text: openpyxl stores a string starting with "=" as a formula and "#N/A" as an error
    value, whatever the code that put it there meant."""
    for sheet in workbook.worksheets:
        # Only the cells written: iter_rows would create every empty cell of the used range.
        for cell in sheet._cells.values():
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(value: Any) -> Any:
    """A value for a CSV cell: text starting like a formula gets a leading apostrophe (CSV has
    no text type, and Excel evaluates such a cell when it opens the file); the imports drop a
    leading apostrophe, so the file reads back as the same text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_title(title: str, taken: Collection[str] = ()) -> str:
    """`title` made into a sheet name Excel accepts and that no name in `taken` already has
    (Excel compares names without regard to case)."""
    text = "".join(c for c in str(title) if unicodedata.category(c)[0] != "C")
    text = _EDGES.sub("", text.translate(_TITLE_REPLACEMENTS)) or "Sheet"
    used = {t.casefold() for t in taken} | _RESERVED_TITLES
    candidate, n = _fit(text, ""), 1
    while candidate.casefold() in used:
        n += 1
        candidate = _fit(text, "(%d)" % n)
    return candidate


def _fit(text: str, suffix: str) -> str:
    """`text` + `suffix` cut to SHEET_TITLE_MAX UTF-16 units (a character outside the BMP counts
    twice), never leaving an apostrophe at the end."""
    room = SHEET_TITLE_MAX - _utf16_len(suffix)
    while _utf16_len(text) > room:
        text = text[:-1]
    return _END.sub("", text) + suffix


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def display_width(text: str) -> int:
    """Width of `text` in Excel's column units: a Chinese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _write_table(sheet: WriteOnlyWorksheet, table: Table) -> None:
    from openpyxl.utils import get_column_letter

    count = len(table.headers)
    text_columns = frozenset(table.text_columns)
    if any(not 0 <= i < count for i in text_columns):
        raise ValueError("text column index out of range: %s" % sorted(text_columns))
    # Write-only mode: column sizes and the frozen row must be set before the first row.
    for i, header in enumerate(table.headers):
        width = table.widths[i] if i < len(table.widths) else None
        dimension = sheet.column_dimensions[get_column_letter(i + 1)]
        dimension.width = width or min(
            max(display_width(header) + 2, _MIN_WIDTH), _MAX_DEFAULT_WIDTH
        )
        if i in text_columns:
            # A cell typed later into the column is text too.
            dimension.number_format = TEXT_FORMAT
    header_row = len(table.notes) + 1
    sheet.freeze_panes = "A%d" % (header_row + 1)
    cells = _Cells(sheet)
    for note in table.notes:
        sheet.append([cells.literal(note)])
    sheet.append([cells.header(header) for header in table.headers])
    for row in table.rows:
        sheet.append(
            [
                cells.text(value) if i in text_columns else cells.value(value)
                for i, value in enumerate(row)
            ]
        )


class _Cells:
    """The cells of one write-only sheet, with openpyxl's names looked up once per sheet rather
    than once per cell."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        self.sheet = sheet
        self.cell_type = WriteOnlyCell
        self.error_codes = ERROR_CODES
        self.illegal_characters = ILLEGAL_CHARACTERS_RE

    def header(self, header: str) -> WriteOnlyCell:
        cell = self.literal(header)
        cell.font = _header_font()
        return cell

    def text(self, value: Any) -> WriteOnlyCell | None:
        if value is None or value == "":
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        cell = self.literal(value if isinstance(value, str) else str(value))
        cell.number_format = TEXT_FORMAT
        return cell

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            if (
                value.startswith(FORMULA_STARTS)
                or value in self.error_codes
                or self.illegal_characters.search(value)
            ):
                return self.literal(value)
            return value
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # Excel has no time zones: the local time the user sees on the page.
            return timezone.localtime(value).replace(tzinfo=None)
        return value

    def literal(self, text: str) -> WriteOnlyCell:
        """A string cell that stays text: never a formula or an error value (text from an upload
        may start with = or be "#N/A"), without the control characters XML cannot carry."""
        cell = self.cell_type(self.sheet, self.illegal_characters.sub("", text))
        cell.data_type = "s"
        return cell


@functools.cache
def _header_font() -> Font:
    """One bold font for every header cell, created on first use."""
    from openpyxl.styles import Font

    return Font(bold=True)
