"""Spreadsheets built inside the tests: one place that lays rows out in an .xlsx the way users'
files look (title lines, a header, data), so every import test writes its files alike.

    write_xlsx(tmp_path / "a.xlsx", rows, sheet="工会组织", title_rows=[["统计表"]], header=HEADER)
    xlsx_bytes({1: HEADER, 4: row}, sheet="花名册")  # a dict puts each row at its Excel row

A module binds its own layout once, e.g.
`write_xlsx = partial(spreadsheets.write_xlsx, sheet="花名册", header=HEADER)`.

Every string is stored as text: openpyxl would write "=1+1" as a formula, while a user typing
'=1+1 in Excel (or an import reading a text cell) gets the text.
"""

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

Rows = Iterable[Sequence[object]] | Mapping[int, Sequence[object]]


def fill_sheet(
    sheet: Worksheet,
    rows: Rows,
    *,
    title_rows: Iterable[Sequence[object]] = (),
    header: Sequence[object] | None = None,
) -> Worksheet:
    """Append `title_rows`, then `header`, then `rows` (or put a dict's rows at their Excel
    row numbers, leaving None cells empty)."""
    for values in title_rows:
        sheet.append(list(values))
    if header is not None:
        sheet.append(list(header))
    if isinstance(rows, Mapping):
        for number, values in rows.items():
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=number, column=column, value=value)
    else:
        for values in rows:
            sheet.append(list(values))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    return sheet


def xlsx_workbook(rows: Rows = (), *, sheet: str = "Sheet", **layout) -> openpyxl.Workbook:
    """A workbook whose one sheet, named `sheet`, holds the rows (`fill_sheet`'s layout)."""
    workbook = openpyxl.Workbook()
    workbook.active.title = sheet
    fill_sheet(workbook.active, rows, **layout)
    return workbook


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(rows: Rows = (), *, sheet: str = "Sheet", **layout) -> bytes:
    return workbook_bytes(xlsx_workbook(rows, sheet=sheet, **layout))


def write_xlsx(path: Path, rows: Rows = (), *, sheet: str = "Sheet", **layout) -> Path:
    path.write_bytes(xlsx_bytes(rows, sheet=sheet, **layout))
    return path
