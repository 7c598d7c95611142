"""The 教育培训经费 template: the sheet import_training_funds and HR's upload read back."""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from imports.xlsx import Table, workbook_bytes
from training.importers import TRAINING_FUND_DATASET, USCC
from training.models import TrainingMode
from training.record_importer import TRAINING_RECORD_DATASET
from training.selectors import LearningRecord

HEADER_ROW = 2


def fund_workbook(*, enterprises: Iterable[Enterprise] = (), year: int | None = None) -> bytes:
    """Title row, header row and one row per enterprise (its code filled in, amounts empty)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

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


# The 培训记录 template: one row per worker per course.
RECORD_TEXT_COLUMNS = {"身份证号"}
RECORD_DATE_COLUMNS = {"开始日期", "结束日期"}
RECORD_CHOICES = {
    "培训方式": [str(label) for label in TrainingMode.labels],
    "是否结业": ["是", "否"],
}
RECORD_NOTES = {
    "身份证号": _("必填。18位居民身份证号，本列为文本格式，请勿改成数字格式。职工须已在花名册中。"),
    "姓名": _("必填，须与花名册中的姓名一致。"),
    "培训项目": _("必填，如“数控车床操作培训”。同名同开始日期即同一培训项目。"),
    "开始日期": _("必填，如 2026-03-02，不能晚于今天。"),
    "结束日期": _("选填，不能早于开始日期。"),
    "学时": _("必填，大于0、不超过2000，最多一位小数，如 7.5。"),
    "培训方式": _("选填，从下拉列表选择：线上、线下、线上线下；留空视为线下。"),
    "培训机构": _("选填。"),
    "是否结业": _("必填：是 / 否。"),
}
MAX_RECORD_TEMPLATE_ROWS = 5000


def records_template(enterprise: Enterprise | None = None) -> bytes:
    """The 培训记录 sheet as the imports platform hands it out: title row, header row, the ID
    column formatted as text, drop-down lists for 培训方式 and 是否结业, and a 填写说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TRAINING_RECORD_DATASET.sheet_name
    title = (
        gettext("%(name)s职工培训记录（请勿修改表头）") % {"name": enterprise.name}
        if enterprise is not None
        else gettext("职工培训记录（请勿修改表头）")
    )
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    columns = [column.name for column in TRAINING_RECORD_DATASET.columns]
    required = {column.name for column in TRAINING_RECORD_DATASET.required}
    last_row = HEADER_ROW + MAX_RECORD_TEMPLATE_ROWS
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
        cell.font = Font(bold=True, color="9C0006" if name in required else "000000")
        cell.fill = PatternFill("solid", fgColor="FFC7CE" if name in required else "DDEBF7")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if name in RECORD_TEXT_COLUMNS else 14
        if name in RECORD_TEXT_COLUMNS:
            # Excel would turn an ID number into 3.30683199005034E+17 and lose digits.
            sheet.column_dimensions[letter].number_format = "@"
        elif name in RECORD_DATE_COLUMNS:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if name in RECORD_CHOICES:
            validation = DataValidation(
                type="list",
                formula1='"%s"' % ",".join(RECORD_CHOICES[name]),
                allow_blank=name not in required,
                showErrorMessage=True,
                errorTitle=gettext("请从下拉列表选择"),
                error=gettext("可选：%(choices)s") % {"choices": "、".join(RECORD_CHOICES[name])},
            )
            validation.add("%s%d:%s%d" % (letter, HEADER_ROW + 1, letter, last_row))
            sheet.add_data_validation(validation)
    sheet.column_dimensions[get_column_letter(columns.index("培训项目") + 1)].width = 28
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)

    notes = workbook.create_sheet(gettext("填写说明"))
    notes.append([gettext("列名"), gettext("说明")])
    for name in columns:
        notes.append([name, str(RECORD_NOTES[name])])
    notes.append([])
    for line in (
        gettext(
            "每行是一名职工参加的一个培训项目；身份证号 + 培训项目 + 开始日期相同的行只能有一行。"
        ),
        gettext("再次上传同一条记录会更新它；文件中没有的记录不会被删除。"),
        gettext("在企业页面上传时，只能填报本企业在职职工的培训记录。"),
    ):
        notes.append(["", line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    return workbook_bytes(workbook)


def records_template_filename(enterprise: Enterprise | None = None) -> str:
    if enterprise is None:
        return gettext("职工培训记录模板.xlsx")
    return gettext("%(name)s培训记录模板.xlsx") % {"name": enterprise.name}


# A worker's learning record (学习档案) as sheets of the export (training:learning_record_export).


def _yes_no(value: bool) -> str:
    return gettext("是") if value else gettext("否")


def learning_record_tables(record: LearningRecord) -> list[Table]:
    """The learning record's sheets: courses, hours by year, certificates, competition
    results. By the worker's name only: no ID number leaves with it."""
    note = gettext("%(name)s的学习档案（导出日期 %(today)s）") % {
        "name": record.worker.name,
        "today": timezone.localdate().isoformat(),
    }
    courses = Table(
        title=gettext("培训记录"),
        headers=[
            gettext("年度"),
            gettext("培训项目"),
            gettext("培训机构"),
            gettext("开始日期"),
            gettext("结束日期"),
            gettext("培训方式"),
            gettext("学时"),
            gettext("是否结业"),
        ],
        rows=[
            [
                year.year,
                course.course,
                course.institute,
                course.starts_on,
                course.ends_on,
                course.mode,
                course.hours,
                _yes_no(course.is_completed),
            ]
            for year in record.years
            for course in year.courses
        ],
        widths=[8, 30, 30, 12, 12, 10, 8, 10],
        notes=[note],
    )
    hours = Table(
        title=gettext("学时汇总"),
        headers=[gettext("年度"), gettext("培训项目数"), gettext("学时合计"), gettext("结业学时")],
        rows=[[y.year, len(y.courses), y.hours, y.completed_hours] for y in record.years],
        notes=[note],
    )
    certificates = Table(
        title=gettext("职业技能等级证书"),
        headers=[
            gettext("职业（工种）"),
            gettext("技能等级"),
            gettext("证书编号"),
            gettext("发证日期"),
            gettext("发证机构"),
        ],
        rows=[
            [c.occupation, c.get_level_display(), c.number, c.issued_on, c.issuer]
            for c in record.certificates
        ],
        text_columns={2},
        widths=[16, 18, 24, 12, 30],
        notes=[note],
    )
    results = Table(
        title=gettext("技能竞赛成绩"),
        headers=[
            gettext("竞赛名称"),
            gettext("竞赛级别"),
            gettext("举办日期"),
            gettext("获奖等次"),
            gettext("职业（工种）"),
        ],
        rows=[
            [
                r.competition.name,
                r.competition.get_level_display(),
                r.held_on,
                r.prize or gettext("参赛"),
                r.occupation,
            ]
            for r in record.results
        ],
        widths=[30, 12, 12, 10, 16],
        notes=[note],
    )
    return [courses, hours, certificates, results]


def learning_record_filename(worker_name: str) -> str:
    return gettext("%(name)s学习档案.xlsx") % {"name": worker_name}
