"""The roster template and roster export: one .xlsx layout that import_roster reads back.

ID and phone columns are text-formatted (Excel would otherwise turn an ID number into
3.30683199005034E+17 and lose digits), fixed choices have drop-down lists, and an instructions
sheet explains every column (INTERFACES.md: a downloadable template for each data set).
"""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from collections.abc import Iterable

from django.utils.translation import gettext

from core.choices import ContractType, PoliticalStatus, SkillLevel
from imports.xlsx import workbook_bytes
from workers.importers import ROSTER_DATASET
from workers.models import Employment

TEXT_COLUMNS = {"身份证号", "手机号码"}
DATE_COLUMNS = {"出生日期", "入职日期"}
CHOICES = {
    "性别": ["男", "女"],
    "是否一线职工": ["是", "否"],
    "是否工会会员": ["是", "否"],
    "政治面貌": [str(label) for label in PoliticalStatus.labels],
    "职业技能等级": [str(label) for label in SkillLevel.labels],
    "劳动合同类型": [str(label) for label in ContractType.labels],
}
NOTES = {
    "姓名": "必填。",
    "身份证号": "必填。18位居民身份证号，本列为文本格式，请勿改成数字格式；15位旧号码不能使用。",
    "性别": "可不填，由身份证号得出；填写时必须与身份证号一致。",
    "出生日期": "可不填，由身份证号得出；填写时必须与身份证号一致。",
    "手机号码": "选填。",
    "岗位": "选填。",
    "是否一线职工": "必填：是 / 否。",
    "职业技能等级": "选填，从下拉列表选择；没有等级的留空。",
    "政治面貌": "选填，从下拉列表选择；留空视为群众。",
    "是否工会会员": "必填：是 / 否。",
    "入职日期": "必填，如 2023-01-05。入职时须年满16周岁。",
    "劳动合同类型": "选填，从下拉列表选择。",
    "学历": "选填。",
    "备注": "选填。",
}
MAX_TEMPLATE_ROWS = 5000
HEADER_ROW = 2


def _cell_text(value: object) -> object:
    return "" if value is None else value


def roster_workbook(*, title: str, employments: Iterable[Employment] = ()) -> bytes:
    """The 花名册 sheet (title row, header row, one row per current employment) as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ROSTER_DATASET.sheet_name
    columns = [column.name for column in ROSTER_DATASET.columns]
    required = {column.name for column in ROSTER_DATASET.required}

    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
        cell.font = Font(bold=True, color="9C0006" if name in required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFC7CE" if name in required else "DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if name in TEXT_COLUMNS else 14
        if name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        elif name in DATE_COLUMNS:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)

    row_number = HEADER_ROW
    for employment in employments:
        row_number += 1
        worker = employment.worker
        values = {
            "姓名": worker.name,
            "身份证号": worker.id_number,
            "性别": worker.get_sex_display(),
            "出生日期": worker.birth_date,
            "手机号码": worker.phone,
            "岗位": employment.position,
            "是否一线职工": "是" if employment.is_frontline else "否",
            "职业技能等级": worker.get_skill_level_display() if worker.skill_level else "",
            "政治面貌": worker.get_political_status_display(),
            "是否工会会员": "是" if worker.is_union_member else "否",
            "入职日期": employment.hire_date,
            "劳动合同类型": employment.get_contract_type_display()
            if employment.contract_type
            else "",
            "学历": worker.education,
            "备注": worker.remarks,
        }
        for index, name in enumerate(columns, start=1):
            cell = sheet.cell(row=row_number, column=index, value=_cell_text(values[name]))
            if name in TEXT_COLUMNS:
                cell.number_format = "@"
            elif name in DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"

    last_row = max(row_number, HEADER_ROW) + MAX_TEMPLATE_ROWS
    for index, name in enumerate(columns, start=1):
        if name not in CHOICES:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1='"%s"' % ",".join(CHOICES[name]),
            allow_blank=name not in required,
            showErrorMessage=True,
            errorTitle="请从下拉列表选择",
            error="可选：%s" % "、".join(CHOICES[name]),
        )
        validation.add("%s%d:%s%d" % (letter, HEADER_ROW + 1, letter, last_row))
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "说明"])
    for name in columns:
        notes.append([name, NOTES[name]])
    notes.append([])
    notes.append(
        ["", "每次上传都是本企业的完整在职名单：名单中没有的职工将被标记为离职（不会删除）。"]
    )
    notes.append(["", "标题行可以保留；表头请勿修改。导入前会列出全部错误，改正后重新上传即可。"])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    # Text stays text, the title with the enterprise's name too: never a formula.
    return workbook_bytes(workbook)


def roster_template(enterprise: object = None) -> bytes:
    """The empty roster template, as the imports platform hands it out."""
    return roster_workbook(title=gettext("职工花名册（请勿修改表头）"))


def roster_template_filename(enterprise: object = None) -> str:
    return gettext("职工花名册模板.xlsx")
