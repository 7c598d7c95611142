"""The 技能竞赛成绩 template: the sheet import_competition_results reads back.

ID numbers are a text column (Excel would turn them into 3.30683199005034E+17 and lose
digits); 竞赛级别 has a drop-down list of DOMAIN.md's levels, and 获奖等次 suggests the usual
prizes while still taking 第N名 (INTERFACES.md: a template for each data set).
"""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from django.utils.translation import gettext

from core.choices import AwardLevel
from imports.xlsx import workbook_bytes
from training.competition_importer import (
    COMPETITION_DATASET,
    HELD_ON,
    ID_NUMBER,
    LEVEL,
    PRIZE,
)

HEADER_ROW = 2
TEMPLATE_ROWS = 2000
LEVELS = [str(label) for label in AwardLevel.labels]
PRIZES = ["一等奖", "二等奖", "三等奖", "优秀奖"]
NOTES = {
    "竞赛名称": "必填。同一竞赛的各行名称、举办日期和级别要一致。",
    "竞赛级别": "必填，从下拉列表选择：全国、省级、绍兴市级、嵊州市级、街道级（不能只写“市级”）。",
    "举办日期": "必填，如 2026-05-20，不能晚于今天。",
    "身份证号": "必填。18位居民身份证号，本列为文本格式；职工须已在花名册中。",
    "姓名": "必填，须与花名册中的姓名一致。",
    "获奖等次": "选填：一等奖、二等奖、三等奖、优秀奖或第N名（如第3名）；只参赛未获奖的留空。",
    "职业（工种）": "选填。",
}


def competition_workbook() -> bytes:
    """Title row, header row and empty rows with the ID column as text and the lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = COMPETITION_DATASET.sheet_name
    columns = [column.name for column in COMPETITION_DATASET.columns]
    required = {column.name for column in COMPETITION_DATASET.required}
    sheet.cell(row=1, column=1, value=gettext("技能竞赛成绩登记表（请勿修改表头）")).font = Font(
        bold=True, size=14
    )
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
        cell.font = Font(bold=True, color="9C0006" if name in required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFC7CE" if name in required else "DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 28 if name in (ID_NUMBER, "竞赛名称") else 14
        if name == ID_NUMBER:
            sheet.column_dimensions[letter].number_format = "@"
        elif name == HELD_ON:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        cells = "%s%d:%s%d" % (letter, HEADER_ROW + 1, letter, HEADER_ROW + TEMPLATE_ROWS)
        if name == LEVEL:
            validation = DataValidation(
                type="list",
                formula1='"%s"' % ",".join(LEVELS),
                allow_blank=False,
                showErrorMessage=True,
                errorTitle=gettext("请从下拉列表选择"),
                error=gettext("可选：%(levels)s") % {"levels": "、".join(LEVELS)},
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif name == PRIZE:
            # Suggestions only: 第N名 and a blank cell are accepted too.
            validation = DataValidation(
                type="list",
                formula1='"%s"' % ",".join(PRIZES),
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)

    notes = workbook.create_sheet(gettext("填写说明"))
    notes.append([gettext("列名"), gettext("说明")])
    for name in columns:
        notes.append([name, NOTES[name]])
    notes.append([])
    notes.append(
        [
            "",
            gettext(
                "每名职工在每项竞赛中填一行。再次导入同一竞赛（名称和举办日期）同一职工的成绩会更新；"
                "没有列出的成绩不会被删除。"
            ),
        ]
    )
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    return workbook_bytes(workbook)


def competition_template(enterprise: object = None) -> bytes:
    """The empty template (the data set is sub-district-wide: no enterprise fills it in)."""
    return competition_workbook()


def competition_template_filename(enterprise: object = None) -> str:
    return gettext("技能竞赛成绩模板.xlsx")
