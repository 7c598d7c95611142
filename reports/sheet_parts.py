"""The pieces every sheet of the report workbook is written with: its header fill, the percent
format, a section title and a bold header row (reports.workbook and the measure sheets)."""

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="F4CCCC")
PERCENT = "0.00%"


def header_style(cell: Cell) -> None:
    cell.font = Font(bold=True)
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", wrap_text=True)


def section_title(sheet: Worksheet, text: str, *, first: bool = False) -> None:
    """A bold title row, after a blank row unless it is the sheet's first."""
    if not first:
        sheet.append([])
    sheet.append([text])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)


def bold_header(sheet: Worksheet, names: list[str]) -> None:
    sheet.append(names)
    for index in range(1, len(names) + 1):
        header_style(sheet.cell(row=sheet.max_row, column=index))
