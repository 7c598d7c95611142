""".ods: pre-scan content.xml the way calamine parses it, repeated rows and cells included."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from python_calamine import CalamineWorkbook

from imports.reading.containers import Unzipper, expat_parser, feed
from imports.reading.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ODS_PUSHED_CELLS,
    MAX_ROWS,
    MAX_SPACES,
    MAX_TEXT_BYTES,
)
from imports.reading.messages import (
    MSG_CELL_TEXT,
    MSG_ENCRYPTED,
    MSG_RANGE,
    MSG_ROWS,
    MSG_TEXT,
    MSG_UNREADABLE,
    UnusableFile,
)
from imports.reading.sheets import Sheet, check_extent, choose_sheet, sheet_from_calamine


def read_ods(
    data: bytes, index: dict[str, zipfile.ZipInfo], unzip: Unzipper, preferred: str
) -> Sheet:
    manifest = index.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in unzip.read(manifest):
        raise UnusableFile(MSG_ENCRYPTED)
    content = index.get("content.xml")
    if content is None:
        raise UnusableFile(MSG_UNREADABLE)
    for key, info in index.items():
        if key == "content.xml":
            _scan_ods_content(unzip.chunks(info))
        elif key not in ("mimetype", "meta-inf/manifest.xml"):
            unzip.drain(info)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    chosen, hidden, others = choose_sheet(workbook.sheets_metadata, preferred)
    return sheet_from_calamine(workbook, chosen, hidden, others)


_ODS_MAX_ROWS = 1_048_576  # calamine caps row repeats here
_ODS_MAX_COLUMNS = 16_384  # and column repeats here
_ODS_VALUE_ATTRS = (
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
)


def _ods_count(value: str | None) -> int:
    if value is None:
        return 1
    value = value.strip()
    if not value.isdigit():
        raise UnusableFile(MSG_UNREADABLE)  # calamine's parse::<usize> fails too
    return int(value)


def _scan_ods_content(chunks: Iterable[bytes]) -> None:
    """calamine parses every table of content.xml when the file is opened, expanding repeated
    rows and cells. Follow its event loop (not the XML tree: a string cell ends at the first
    cell end tag, nested or not) and refuse what would not fit."""
    parser = expat_parser()
    cell_names = ("table:table-cell", "table:covered-table-cell")
    value_attrs = frozenset(_ODS_VALUE_ATTRS)
    # 0 outside a table, 1 in a table, 2 in a row, 3 in a string cell, 4 skipping a cell
    state = 0
    label = ""
    table_rows = max_row = max_col = filled = table_text = 0
    row_start = row_repeats = current = deferred = width = row_text = 0
    cell_repeats = cell_content = cell_begin = cell_extra = skip_depth = 0
    skip_name = ""
    cell_attrs: dict[str, str] = {}
    pushed = cells_total = spaces = 0
    cell_chars = 0  # characters of the string cell being read

    def text(data: str) -> None:
        # A string cell's text in the pieces expat hands over: refused at Excel's limit before
        # any of it is held (calamine would copy all of it).
        nonlocal cell_chars
        cell_chars += len(data)
        if cell_chars > MAX_CELL_CHARS:
            raise UnusableFile(MSG_CELL_TEXT)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal state, label, table_rows, max_row, max_col, filled, table_text
        nonlocal row_start, row_repeats, current, deferred, width, row_text
        nonlocal cell_repeats, cell_content, cell_begin, cell_extra, cell_attrs
        nonlocal skip_depth, skip_name, spaces, cell_chars
        if state == 3:
            if name == "text:s":
                count = _ods_count(attrs.get("text:c"))
                cell_extra += count
                spaces += count
                if spaces > MAX_SPACES:
                    raise UnusableFile(MSG_TEXT % {"sheet": label})
                cell_chars += count
                if cell_chars > MAX_CELL_CHARS:
                    raise UnusableFile(MSG_CELL_TEXT)
        elif state == 4:
            if name == skip_name:
                skip_depth += 1
        elif state == 2:
            if name in cell_names:
                repeats = attrs.get("table:number-columns-repeated")
                cell_repeats = 1 if repeats is None else _ods_count(repeats)
                is_string = attrs.get("office:value-type") == "string"
                cell_content = int(
                    is_string
                    or not value_attrs.isdisjoint(attrs)
                    or bool(attrs.get("table:formula"))
                )
                cell_begin = parser.CurrentByteIndex
                cell_attrs = attrs
                cell_extra = 0
                if any(len(attrs.get(key, "")) > MAX_CELL_CHARS for key in _ODS_VALUE_ATTRS):
                    raise UnusableFile(MSG_CELL_TEXT)
                if is_string and "office:string-value" not in attrs:
                    state = 3  # calamine reads the text up to the first cell end tag
                    cell_chars = 0
                    parser.CharacterDataHandler = text
                else:
                    state, skip_name, skip_depth = 4, name, 0
        elif state == 1:
            if name == "table:table-row":
                repeats = attrs.get("table:number-rows-repeated")
                declared_rows = 1 if repeats is None else _ods_count(repeats)
                row_repeats = min(declared_rows, max(0, _ODS_MAX_ROWS - table_rows))
                row_start = table_rows
                table_rows += row_repeats
                current = deferred = width = row_text = 0
                state = 2
        elif name == "table:table" and "table:name" in attrs:
            label = attrs["table:name"]
            table_rows = max_row = max_col = filled = table_text = 0
            state = 1

    def finish_cell(name: str) -> None:
        nonlocal state, current, deferred, width, row_text
        parser.CharacterDataHandler = None
        # read_row: empties waiting from earlier cells are pushed when any cell follows.
        current += min(deferred, max(0, _ODS_MAX_COLUMNS - current))
        deferred = 0
        capped = min(cell_repeats, max(0, _ODS_MAX_COLUMNS - current))
        if cell_content:
            current += capped
            width = current
            span = parser.CurrentByteIndex - cell_begin + len(name) + 3
            if span == len(name) + 3:  # self-closing: its text is in the attributes
                span += sum(map(len, cell_attrs.values())) * 3
            row_text += (64 + span + cell_extra) * capped
        else:
            deferred = capped
        state = 2

    def end(name: str) -> None:
        nonlocal state, max_row, max_col, filled, table_text, pushed, cells_total, skip_depth
        if state == 3:
            if name in cell_names:
                finish_cell(name)
        elif state == 4:
            if name == skip_name:
                if skip_depth:
                    skip_depth -= 1
                else:
                    finish_cell(name)
        elif state == 2:
            if name == "table:table-row":
                state = 1
                pushed += current
                if pushed > MAX_ODS_PUSHED_CELLS:
                    raise UnusableFile(MSG_RANGE % {"sheet": label})
                if width:
                    max_row = max(max_row, row_start + row_repeats)
                    max_col = max(max_col, width)
                    table_text += row_text * max(row_repeats, 1)
                    filled += row_repeats
                    if filled > MAX_ROWS:
                        raise UnusableFile(MSG_ROWS % {"sheet": label})
                    if max_col > MAX_COLUMNS:
                        raise UnusableFile(MSG_RANGE % {"sheet": label})
                    if table_text > MAX_TEXT_BYTES:
                        raise UnusableFile(MSG_TEXT % {"sheet": label})
        elif state == 1 and name == "table:table":
            state = 0
            check_extent(label, max_row, max_col, filled)
            cells_total += max_row * max_col
            if cells_total > MAX_CELLS:
                raise UnusableFile(MSG_RANGE % {"sheet": label})

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    feed(parser, chunks)
