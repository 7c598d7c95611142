"""The 荣誉 template (the sheet import_honours reads back) and the honours table of the worker
page's download (workers.panels, training:learning_record_export).

In the template ID numbers and enterprise codes are text columns (Excel would turn an ID into
3.30683199005034E+17 and lose digits); 荣誉名称 and 级别 have drop-down lists of DOMAIN.md's
names and levels; the notes say which columns a person's honour and a team's honour fill in.
"""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext

from core.choices import AwardLevel
from honors.importer import (
    HONOUR_DATASET,
    ID_NUMBER,
    LEVEL,
    NAME,
    TEAM,
    USCC,
    WORKER_NAME,
)
from honors.models import PERSON_HONOURS, TEAM_HONOURS, Honour, HonourName
from imports.xlsx import Table, workbook_bytes

HEADER_ROW = 2
TEMPLATE_ROWS = 2000
NAMES = [str(label) for label in HonourName.labels]
LEVELS = [str(label) for label in AwardLevel.labels]


def _notes() -> dict[str, str]:
    person = "、".join(str(name.label) for name in PERSON_HONOURS)
    team = "、".join(str(name.label) for name in TEAM_HONOURS)
    return {
        NAME: gettext("必填，从下拉列表选择：%(names)s（“劳模”“基层劳模”按劳动模范导入）。")
        % {"names": "、".join(NAMES)},
        LEVEL: gettext(
            "必填，从下拉列表选择：全国、省级、绍兴市级、嵊州市级、街道级（不能只写“市级”）。"
        ),
        "年度": gettext("必填，授予荣誉的年度，如 2025 或 2025年，不能晚于今年。"),
        ID_NUMBER: gettext(
            "个人荣誉（%(person)s）必填：18位居民身份证号，本列为文本格式，职工须已在花名册中；"
            "集体荣誉不填。"
        )
        % {"person": person},
        WORKER_NAME: gettext("个人荣誉必填，须与花名册中的姓名一致；集体荣誉不填。"),
        USCC: gettext(
            "集体荣誉（%(team)s）必填：集体所在企业的统一社会信用代码，企业须已在企业名录中；"
            "个人荣誉不填（填了也不使用）。"
        )
        % {"team": team},
        TEAM: gettext("集体荣誉必填，如“装配车间一班”；个人荣誉不填。"),
        "授予单位": gettext("选填，如 嵊州市人民政府。"),
        "文号": gettext("选填，授予文件的文号，如 嵊政发〔2025〕12号。"),
    }


def honour_workbook() -> bytes:
    """Title row, header row with a note on each column, and empty rows with the ID and code
    columns as text and the two lists."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = HONOUR_DATASET.sheet_name
    columns = [column.name for column in HONOUR_DATASET.columns]
    required = {column.name for column in HONOUR_DATASET.required}
    # Required for one kind of honour only: marked apart from the always-required columns.
    either = {ID_NUMBER, WORKER_NAME, USCC, TEAM}
    notes = _notes()
    sheet.cell(row=1, column=1, value=gettext("荣誉登记表（请勿修改表头）")).font = Font(
        bold=True, size=14
    )
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
        if name in required:
            cell.font = Font(bold=True, color="9C0006")
            cell.fill = PatternFill("solid", fgColor="FFC7CE")
        elif name in either:
            cell.font = Font(bold=True, color="7F6000")
            cell.fill = PatternFill("solid", fgColor="FFEB9C")
        else:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        cell.comment = Comment(notes[name], gettext("剡湖街道"))
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = (
            26 if name in (ID_NUMBER, USCC, TEAM, "授予单位", "文号") else 14
        )
        if name in (ID_NUMBER, USCC):
            sheet.column_dimensions[letter].number_format = "@"
        cells = "%s%d:%s%d" % (letter, HEADER_ROW + 1, letter, HEADER_ROW + TEMPLATE_ROWS)
        choices = {NAME: NAMES, LEVEL: LEVELS}.get(name)
        if choices:
            validation = DataValidation(
                type="list",
                formula1='"%s"' % ",".join(choices),
                allow_blank=False,
                showErrorMessage=True,
                errorTitle=gettext("请从下拉列表选择"),
                error=gettext("可选：%(choices)s") % {"choices": "、".join(choices)},
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)

    guide = workbook.create_sheet(gettext("填写说明"))
    guide.append([gettext("列名"), gettext("说明")])
    for name in columns:
        guide.append([name, notes[name]])
    guide.append([])
    for line in (
        gettext(
            "个人荣誉（劳动模范、嵊州工匠、杰出工匠、优秀职工）填身份证号和姓名，不填集体名称；"
            "集体荣誉（工人先锋号、优秀班组）填统一社会信用代码和集体名称，不填身份证号。"
        ),
        gettext(
            "每项荣誉填一行。再次导入同一荣誉（荣誉名称、级别、年度和获奖职工或集体）会更新"
            "授予单位和文号；没有列出的荣誉不会被删除。"
        ),
    ):
        guide.append(["", line])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 90
    return workbook_bytes(workbook)


def honour_template(enterprise: object = None) -> bytes:
    """The empty template (the data set is sub-district-wide: no enterprise fills it in)."""
    return honour_workbook()


def honour_template_filename(enterprise: object = None) -> str:
    return gettext("荣誉模板.xlsx")


def holder_label(honour: Honour) -> str:
    """个人, or 集体（集体名称） for a team's honour."""
    if honour.is_team:
        return gettext("集体（%(team)s）") % {"team": honour.team_name}
    return gettext("个人")


def honours_tables(worker_name: str, honours: Sequence[Honour]) -> list[Table]:
    """The worker's honours as one sheet of their learning-record download: by name only, no
    ID number leaves with it."""
    note = gettext("%(name)s的荣誉（导出日期 %(today)s）") % {
        "name": worker_name,
        "today": timezone.localdate().isoformat(),
    }
    return [
        Table(
            title=gettext("荣誉"),
            headers=[
                gettext("年度"),
                gettext("荣誉名称"),
                gettext("级别"),
                gettext("个人/集体"),
                gettext("授予单位"),
                gettext("文号"),
            ],
            rows=[
                [
                    honour.year,
                    honour.get_name_display(),
                    honour.get_level_display(),
                    holder_label(honour),
                    honour.awarding_body,
                    honour.document_number,
                ]
                for honour in honours
            ],
            text_columns={5},
            widths=[8, 14, 12, 24, 30, 30],
            notes=[note],
        )
    ]
