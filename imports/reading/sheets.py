"""The sheet that is read: which one, its rows out of calamine, and the extent check the
pre-scans share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from python_calamine import CalamineWorkbook, SheetMetadata, SheetTypeEnum, SheetVisibleEnum

from imports.reading.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from imports.reading.messages import MSG_MACRO, MSG_NO_VISIBLE, MSG_RANGE, MSG_ROWS, UnusableFile


@dataclass
class Sheet:
    name: str  # the sheet that was read (CSV: the file name)
    # (Excel row number as Excel shows it, 1-based; cell values), blank rows omitted
    rows: list[tuple[int, list[object]]]
    hidden_sheets: list[str]  # names of hidden sheets that were ignored
    other_visible_sheets: list[str]  # visible sheets not read


def keep_row(cells: list[object]) -> list[object] | None:
    """Trim trailing empties; None when every cell is empty or only whitespace."""
    while cells and cells[-1] is None:
        cells.pop()
    for value in cells:
        if value is not None and not (isinstance(value, str) and value.isspace()):
            return cells
    return None


def check_extent(label: str, max_row: int, max_col: int, filled_rows: int) -> None:
    """Too many real rows is a 'too many rows' refusal; a far-away cell is an absurd range."""
    if filled_rows > MAX_ROWS:
        raise UnusableFile(MSG_ROWS % {"sheet": label})
    if max_row > MAX_ROWS or max_col > MAX_COLUMNS or max_row * max_col > MAX_CELLS:
        raise UnusableFile(MSG_RANGE % {"sheet": label})


def choose_sheet(metadata: list[SheetMetadata], preferred: str) -> tuple[str, list[str], list[str]]:
    """The visible worksheet named like the template sheet, else the first visible one in
    workbook order; the tab the workbook opens on does not matter."""
    if any(m.typ == SheetTypeEnum.MacroSheet for m in metadata):
        raise UnusableFile(MSG_MACRO)
    hidden = [m.name for m in metadata if m.visible != SheetVisibleEnum.Visible]
    visible = [
        m.name
        for m in metadata
        if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
    ]
    if not visible:
        raise UnusableFile(MSG_NO_VISIBLE)
    wanted = preferred.strip()
    chosen = next((name for name in visible if name.strip() == wanted), visible[0])
    others = [name for name in visible if name != chosen]
    return chosen, hidden, others


_NO_CELLS: list[object] = []


def sheet_from_calamine(
    workbook: CalamineWorkbook, chosen: str, hidden: list[str], others: list[str]
) -> Sheet:
    rows = list(calamine_rows(workbook, chosen))
    return Sheet(name=chosen, rows=rows, hidden_sheets=hidden, other_visible_sheets=others)


def calamine_rows(workbook: CalamineWorkbook, chosen: str) -> Iterator[tuple[int, list[object]]]:
    """The sheet's rows that are not blank: (Excel row number, cells), one at a time."""
    sheet = workbook.get_sheet_by_name(chosen)
    start = sheet.start
    if start is None:
        return
    # to_python() starts at the first used cell; .start says where that is.
    first_row, first_col = start
    pad: list[object] = [None] * first_col
    # A fresh list of fresh lists that only this function holds, so widening the cell type
    # (list is invariant) is safe; the rows are handed on as list[object] without copying.
    grid = cast("list[list[object]]", sheet.to_python(skip_empty_area=True))
    del sheet
    kept = 0
    for offset, raw in enumerate(grid):
        grid[offset] = _NO_CELLS  # free as we go: only the rows kept stay in memory
        if "" in raw:  # calamine gives "" for an empty cell
            raw = [None if v == "" else v for v in raw]
        row = keep_row(raw)
        if row is None:
            continue
        kept += 1
        if kept > MAX_ROWS:
            raise UnusableFile(MSG_ROWS % {"sheet": chosen})
        yield (first_row + offset + 1, pad + row if first_col else row)
