"""The 汇总 sheet's comparison columns (issue 15): 目标 / 基期值 / 上年同期 / 是否落后 beside each
figure, from the comparison rows the run froze in its snapshot (reports.targets). A run frozen
before them shows "—" in each."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.selectors import DECIMAL_KEYS, RATE_KEYS
from reports.sheet_parts import PERCENT, header_style
from reports.targets import DASH, stored_comparisons

HOURS = "#,##0.0"
COLUMNS = ("target", "baseline", "year_before")


def _cell_value(key: str, value: Any) -> Any:
    if value is None or value == "":
        return DASH
    if key in DECIMAL_KEYS:
        return Decimal(str(value))
    return value


def comparison_columns(
    sheet: Worksheet, snapshot: dict[str, Any], *, first_row: int = 2, first_column: int = 6
) -> None:
    """Add the four columns to the summary sheet whose rows `first_row`… are the snapshot's kpis
    in their order (the header is on the row above)."""
    frozen = "comparisons" in snapshot
    kpis = snapshot.get("kpis", {})
    rows = stored_comparisons(kpis, snapshot.get("comparisons"))
    headers = [gettext("目标"), gettext("基期值"), gettext("上年同期"), gettext("是否落后")]
    for offset, name in enumerate(headers):
        cell = sheet.cell(row=first_row - 1, column=first_column + offset, value=name)
        header_style(cell)
        sheet.column_dimensions[get_column_letter(first_column + offset)].width = 14
    for index, row in enumerate(rows):
        number = first_row + index
        key = row["key"]
        for offset, name in enumerate(COLUMNS):
            cell = sheet.cell(
                row=number, column=first_column + offset, value=_cell_value(key, row[name])
            )
            if key in RATE_KEYS:
                cell.number_format = PERCENT
            elif key in DECIMAL_KEYS:
                cell.number_format = HOURS
        if not frozen or row["target"] is None:
            behind = DASH
        else:
            behind = gettext("是") if row["behind"] else gettext("否")
        sheet.cell(row=number, column=first_column + len(COLUMNS), value=behind)
