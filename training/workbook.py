"""The 教育培训经费 template: the sheet import_training_funds and HR's upload read back."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from enterprises.models import Enterprise
from imports.xlsx import workbook_bytes
from training.importers import TRAINING_FUND_DATASET, USCC

HEADER_ROW = 2


def fund_workbook(*, enterprises: Iterable[Enterprise] = (), year: int | None = None) -> bytes:
    """Title row, header row and one row per enterprise (its code filled in, amounts empty)."""
    year = year or timezone.localdate().year - 1
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TRAINING_FUND_DATASET.sheet_name
    sheet.cell(row=1, column=1, value=gettext("教育培训经费申报表（请勿修改表头）")).font = Font(
        bold=True, size=14
    )
    for index, column in enumerate(TRAINING_FUND_DATASET.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFC7CE")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 24
        # Codes stay text (Excel would turn a numeric-looking code into a number).
        sheet.column_dimensions[letter].number_format = "@" if column.name == USCC else "#,##0.00"
    sheet.column_dimensions["B"].number_format = "0"
    for offset, enterprise in enumerate(enterprises, start=HEADER_ROW + 1):
        sheet.cell(row=offset, column=1, value=enterprise.uscc).number_format = "@"
        sheet.cell(row=offset, column=2, value=year)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)

    notes = workbook.create_sheet(gettext("填写说明"))
    for line in (
        gettext("每家企业每个年度填一行；金额以元为单位，可带千分位逗号，最多两位小数。"),
        gettext("其中一线职工使用额不能大于教育培训经费使用额；金额不能为负数。"),
        gettext("同一企业同一年度再次提交会更新申报，之前的版本会保留。"),
    ):
        notes.append([line])
    return workbook_bytes(workbook)


def fund_template(enterprise: Enterprise | None) -> bytes:
    """The declaration sheet as the imports platform hands it out: the enterprise's code
    filled in when there is one."""
    return fund_workbook(enterprises=[enterprise] if enterprise is not None else [])


def fund_template_filename(enterprise: Enterprise | None) -> str:
    if enterprise is None:
        return gettext("教育培训经费申报表.xlsx")
    return gettext("%(name)s教育培训经费申报表.xlsx") % {"name": enterprise.name}
