"""The 职业技能等级证书 template: the sheet import_certificates and the upload pages read back.

ID numbers and certificate numbers are text columns (Excel would turn a long number into
3.30683199005034E+17 and lose digits, or drop a number's leading zeros), and 技能等级 has a
drop-down list of the certificate levels (INTERFACES.md: a template for each data set).
"""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from django.utils.translation import gettext

from core.choices import SkillLevel
from imports.xlsx import workbook_bytes
from workers.certificate_importer import (
    CERTIFICATE_DATASET,
    ID_NUMBER,
    ISSUED_ON,
    LEVEL,
    NUMBER,
)

HEADER_ROW = 2
TEMPLATE_ROWS = 2000
TEXT_COLUMNS = {ID_NUMBER, NUMBER}
# No certificate is issued for 学徒工 (workers.certificate_importer.parse_certificate_level).
LEVELS = [str(label) for value, label in SkillLevel.choices if value != SkillLevel.APPRENTICE]
NOTES = {
    "身份证号": "必填。18位居民身份证号，本列为文本格式，请勿改成数字格式；职工须已在花名册中。",
    "姓名": "必填，须与花名册中的姓名一致。",
    "职业（工种）": "必填，照证书填写，如 车工、电工。",
    "技能等级": "必填，从下拉列表选择（初级工(五级) 到 首席技师）。",
    "证书编号": "必填，照证书填写；一个证书编号只属于一名职工。本列为文本格式。",
    "发证日期": "必填，如 2024-06-01，不能晚于今天。",
    "发证机构": "选填。",
}


def certificate_workbook() -> bytes:
    """Title row, header row and empty rows with the text formats and the level list."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = CERTIFICATE_DATASET.sheet_name
    columns = [column.name for column in CERTIFICATE_DATASET.columns]
    required = {column.name for column in CERTIFICATE_DATASET.required}
    sheet.cell(
        row=1, column=1, value=gettext("职业技能等级证书登记表（请勿修改表头）")
    ).font = Font(bold=True, size=14)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
        cell.font = Font(bold=True, color="9C0006" if name in required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFC7CE" if name in required else "DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 24 if name in TEXT_COLUMNS else 16
        if name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        elif name == ISSUED_ON:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if name == LEVEL:
            validation = DataValidation(
                type="list",
                formula1='"%s"' % ",".join(LEVELS),
                allow_blank=False,
                showErrorMessage=True,
                errorTitle=gettext("请从下拉列表选择"),
                error=gettext("可选：%(levels)s") % {"levels": "、".join(LEVELS)},
            )
            validation.add(
                "%s%d:%s%d" % (letter, HEADER_ROW + 1, letter, HEADER_ROW + TEMPLATE_ROWS)
            )
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
            gettext("每张证书填一行。再次上传同一证书编号会更新该证书；没有列出的证书不会被删除。"),
        ]
    )
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    return workbook_bytes(workbook)


def certificate_template(enterprise: object = None) -> bytes:
    """The empty template, as the imports platform hands it out (for any enterprise)."""
    return certificate_workbook()


def certificate_template_filename(enterprise: object = None) -> str:
    return gettext("职业技能等级证书模板.xlsx")
