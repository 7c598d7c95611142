"""The periodic report as a Chinese .xlsx for 市产改办 (openpyxl, native Excel charts).

Sheets: 封面, 汇总 (each figure, the previous period and the change), 趋势 (main rates over every
period reported, with a line chart), 按村（社区）and 按工业园区 (with bar charts), 技能培训 (skills
figures per village, park and size), 六个有 (institutes short of the standard), 劳模工匠
(honours, the craftsman pool, studios and nomination rounds), 按企业,
未建会企业, 经费达标, 工作清单 (with each task's latest feedback text), and 进展情况 (the written
progress section, reports/narrative.py). Aggregates only: no worker is named anywhere.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from imports.xlsx import workbook_bytes
from reports.democratic_sheet import democratic_sheet
from reports.measure_sheets import inspections_sheet, party_sheet
from reports.models import ReportNarrative
from reports.narrative import progress_sheet
from reports.selectors import DECIMAL_KEYS, FIGURE_LABELS, RATE_KEYS
from reports.sheet_parts import PERCENT, bold_header, header_style, section_title
from reports.target_sheet import comparison_columns

AMOUNT = "#,##0.00"
HOURS = "#,##0.0"
# A change of a rate, in percentage points (0.024 → 2.4 shown "+2.40个百分点", never "2.40%").
POINTS = '+0.00"个百分点";-0.00"个百分点";0.00"个百分点"'
TREND_KEYS = (
    "union_establishment_rate",
    "union_membership_rate",
    "frontline_party_member_rate",
    "skilled_worker_rate",
    "high_skilled_worker_rate",
)


@dataclass
class ReportContent:
    title: str
    period: str
    as_of: datetime.date
    generated_at: datetime.datetime
    generated_by: str
    # None: an ad-hoc export (build_report --output), not a stored version of the report.
    version: int | None
    snapshot: dict[str, Any]
    previous_period: str
    previous: dict[str, Any] | None  # the previous period's figures, if known
    trend: list[tuple[str, dict[str, Any]]]  # (period, figures), oldest first
    enterprises: list[list[Any]] = field(default_factory=list)
    uncovered: list[list[Any]] = field(default_factory=list)
    funds: list[list[Any]] = field(default_factory=list)
    fund_year: int = 0
    tasks: list[list[Any]] = field(default_factory=list)
    # Institutes short of the "六个有" standard: name, kind, enterprise, criteria short.
    institutes: list[list[Any]] = field(default_factory=list)
    # The written progress section (issue 15): the newest published version, if any.
    narrative: ReportNarrative | None = None


def _header(sheet: Worksheet, names: list[str], widths: list[int] | None = None) -> None:
    sheet.append(names)
    for index, _name in enumerate(names, start=1):
        header_style(sheet.cell(row=sheet.max_row, column=index))
        width = widths[index - 1] if widths and index <= len(widths) else 14
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A%d" % (sheet.max_row + 1)


def _formats(sheet: Worksheet, first_row: int, formats: dict[int, str]) -> None:
    for row in sheet.iter_rows(min_row=first_row):
        for column, number_format in formats.items():
            row[column - 1].number_format = number_format


def _cover(book: Workbook, content: ReportContent) -> None:
    sheet = book.active
    sheet.title = gettext("封面")
    sheet["A1"] = content.title
    sheet["A1"].font = Font(bold=True, size=16)
    rows = [
        (gettext("报送单位"), gettext("中共嵊州市剡湖街道工作委员会")),
        (gettext("报送"), gettext("市产改办")),
        (gettext("期间"), content.period),
        (gettext("数据截至"), content.as_of),
        (gettext("生成时间"), content.generated_at.replace(tzinfo=None)),
        (gettext("生成人"), content.generated_by),
        (
            gettext("版本"),
            content.version if content.version is not None else gettext("命令行导出，非正式版本"),
        ),
    ]
    for offset, (label, value) in enumerate(rows, start=3):
        sheet.cell(row=offset, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=offset, column=2, value=value)
        if isinstance(value, datetime.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 40


def _summary(book: Workbook, content: ReportContent) -> None:
    """汇总: each figure by its Chinese name (the codes are for build_report --json only), this
    period, the previous one and the change; a rate's change in percentage points."""
    sheet = book.create_sheet(gettext("汇总"))
    _header(
        sheet,
        [
            gettext("指标"),
            gettext("本期（%(period)s）") % {"period": content.period},
            gettext("上期（%(period)s）") % {"period": content.previous_period},
            gettext("变化"),
        ],
        [46, 16, 16, 18],
    )
    kpis = content.snapshot["kpis"]
    previous = (content.previous or {}).get("kpis", {})
    for key, value in kpis.items():
        before = previous.get(key)
        if key in DECIMAL_KEYS:  # exact decimals kept as strings ("1234.5")
            value = None if value is None else Decimal(value)
            before = None if before is None else Decimal(before)
        change = None
        if value is not None and before is not None and key != "fund_year":  # a year, not a count
            if key in RATE_KEYS:  # percentage points, exact to two decimals
                change = float(
                    ((Decimal(str(value)) - Decimal(str(before))) * 100).quantize(Decimal("0.01"))
                )
            else:
                change = value - before
        sheet.append([str(FIGURE_LABELS.get(key, key)), value, before, change])
        if key in RATE_KEYS:
            for column in (2, 3):
                sheet.cell(row=sheet.max_row, column=column).number_format = PERCENT
            sheet.cell(row=sheet.max_row, column=4).number_format = POINTS
        elif key in DECIMAL_KEYS:
            for column in (2, 3, 4):
                sheet.cell(row=sheet.max_row, column=column).number_format = (
                    AMOUNT if key == "fund_total_shortfall" else HOURS
                )
    # 目标 / 基期值 / 上年同期 / 是否落后 beside each figure (issue 15).
    comparison_columns(sheet, content.snapshot, first_column=5)
    # The fund year's shortfall and undeclared enterprises are report keys since issue 15
    # (fund_total_shortfall, fund_undeclared_enterprises): rows of the table above.


def _trend(book: Workbook, content: ReportContent) -> None:
    sheet = book.create_sheet(gettext("趋势"))
    _header(sheet, [gettext("期间")] + [str(FIGURE_LABELS[k]) for k in TREND_KEYS], [12] + [16] * 5)
    for period, figures in content.trend:
        kpis = figures.get("kpis", {})
        sheet.append([period] + [kpis.get(k) for k in TREND_KEYS])
    _formats(sheet, 2, {i: PERCENT for i in range(2, 2 + len(TREND_KEYS))})
    if sheet.max_row >= 2:
        chart = LineChart()
        chart.title = gettext("主要指标走势")
        chart.y_axis.title = gettext("比例")
        chart.y_axis.number_format = "0%"
        chart.height, chart.width = 9, 22
        data = Reference(
            sheet, min_col=2, max_col=1 + len(TREND_KEYS), min_row=1, max_row=sheet.max_row
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=sheet.max_row))
        sheet.add_chart(chart, "H2")


GROUP_COLUMNS = (
    ("label", "名称"),
    ("enterprises", "企业数"),
    ("covered", "已建会企业数"),
    ("union_establishment_rate", "工会组建率"),
    ("workers", "在职职工数"),
    ("members", "工会会员数"),
    ("union_membership_rate", "入会率"),
    ("frontline", "一线职工数"),
    ("frontline_party", "一线职工党员数"),
    ("frontline_party_member_rate", "一线职工党员比例"),
)


def _groups(book: Workbook, title: str, rows: list[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    _header(sheet, [gettext(label) for _key, label in GROUP_COLUMNS], [24] + [13] * 9)
    for row in rows:
        sheet.append([row.get(key) for key, _label in GROUP_COLUMNS])
    _formats(sheet, 2, {4: PERCENT, 7: PERCENT, 10: PERCENT})
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = gettext("工会组建率与入会率")
        chart.x_axis.number_format = "0%"
        chart.height, chart.width = max(7, len(rows) * 0.6), 18
        last = sheet.max_row
        for column in (4, 7):
            chart.add_data(
                Reference(sheet, min_col=column, min_row=1, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
        sheet.add_chart(chart, "L2")


SKILL_COLUMNS = (
    ("workers", "在职职工数"),
    ("trained", "本年培训结业职工数"),
    ("training_rate", "培训率"),
    ("training_hours", "在职职工本年结业学时"),
    ("certificates", "本年取得职业技能等级证书数"),
    ("technicians", "技师及以上人数"),
    ("technicians_stable", "其中签订固定期限或无固定期限合同"),
    ("technicians_stable_rate", "稳定劳动合同比例"),
)


def _skills(book: Workbook, content: ReportContent) -> None:
    """技能培训: the skills figures of the sub-district and of each village/community, park and
    size (active workers on the date, each once per line; seed measures 4–6)."""
    sheet = book.create_sheet(gettext("技能培训"))
    _header(
        sheet,
        [gettext("分组"), gettext("名称")] + [gettext(label) for _key, label in SKILL_COLUMNS],
        [14, 24, 12, 14, 10, 14, 16, 12, 18, 14],
    )
    snapshot = content.snapshot

    def append(group: str, row: dict[str, Any]) -> None:
        values = []
        for key, _label in SKILL_COLUMNS:
            value = row.get(key)
            values.append(Decimal(value) if key == "training_hours" and value else value)
        sheet.append([group, row.get("label", ""), *values])

    overall = dict(snapshot.get("skills_overall", {}))
    overall["label"] = gettext("全街道")
    overall.setdefault("workers", snapshot["kpis"].get("workers_total"))
    append(gettext("全街道"), overall)
    for group, rows in (
        (gettext("村（社区）"), snapshot["villages"]),
        (gettext("工业园区"), snapshot["parks"]),
        (gettext("企业规模"), snapshot["above_scale"]),
    ):
        for row in rows:
            append(group, row)
    _formats(sheet, 2, {5: PERCENT, 6: HOURS, 10: PERCENT})
    sheet.append([])
    sheet.append(
        [
            gettext(
                "说明：按截至日期在职的职工统计，一人在同一分组内只计一次；学时为本年开始并已结业的"
                "培训记录学时；技能等级取花名册等级与当日已取得证书中较高者。"
            )
        ]
    )


def _institutes(book: Workbook, content: ReportContent) -> None:
    """六个有: the training institutes short of the standard, and on which criteria."""
    _table(
        book,
        gettext("六个有"),
        [
            gettext("培训机构"),
            gettext("类型"),
            gettext("所属企业"),
            gettext("未达到的标准"),
            gettext("未核查的标准"),
        ],
        content.institutes,
        {},
    )
    sheet = book[gettext("六个有")]
    sheet.column_dimensions["D"].width = 40
    sheet.column_dimensions["E"].width = 40
    if not content.institutes:
        sheet.append([gettext("所有培训机构均达到“六个有”标准。")])


HONOUR_GROUP_COLUMNS = (
    ("model_workers", "劳动模范（在职）"),
    ("craftsmen", "嵊州工匠/杰出工匠（在职）"),
    ("studios", "创新工作室数"),
    ("patents", "专利（项）"),
    ("process_improvements", "工艺改进（项）"),
    ("savings_yuan", "创造效益/节约成本（元）"),
    ("trainees", "带徒培训（人次）"),
)


def _honours(book: Workbook, content: ReportContent) -> None:
    """劳模工匠 (seed measures 3 and 7): the honours of the year by name and level, the craftsman
    pool's size, model workers, craftsmen and innovation studios by village/community and park,
    and the nomination rounds of the period. Counts only, and names of studios and rounds: no
    person is named."""
    sheet = book.create_sheet(gettext("劳模工匠"))
    for letter, width in zip(
        "ABCDEFGHIJKLM", (30, 14, 12, 12, 12, 12, 12, 16, 14, 12, 12, 12, 12), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    honours = content.snapshot.get("honours")
    if not honours:  # a report frozen before issue 14
        sheet.append([gettext("本报告生成时尚未统计劳模工匠数据。")])
        return
    table = honours["by_name_and_level"]
    section_title(
        sheet,
        gettext("一、%(year)s年度荣誉（按荣誉名称和级别）") % {"year": table["year"]},
        first=True,
    )
    bold_header(
        sheet,
        [gettext("荣誉名称"), gettext("授予对象")]
        + [label for _code, label in table["levels"]]
        + [gettext("合计")],
    )
    for row in table["rows"]:
        sheet.append(
            [row["label"], gettext("集体") if row["team"] else gettext("个人")]
            + row["counts"]
            + [row["total"]]
        )
    sheet.append([gettext("合计"), ""] + table["totals"] + [table["total"]])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)

    section_title(sheet, gettext("二、工匠库"))
    sheet.append([gettext("工匠库人数"), honours["pool_size"]])

    section_title(
        sheet,
        gettext("三、在职劳动模范、工匠和创新工作室（按村（社区）、工业园区；工作室成果为本年度）"),
    )
    bold_header(
        sheet,
        [gettext("分组"), gettext("名称")] + [gettext(label) for _k, label in HONOUR_GROUP_COLUMNS],
    )
    for group, rows in (
        (gettext("全街道"), [honours["overall"]]),
        (gettext("村（社区）"), honours["villages"]),
        (gettext("工业园区"), honours["parks"]),
    ):
        for row in rows:
            values = [
                Decimal(row[key]) if key == "savings_yuan" else row[key]
                for key, _label in HONOUR_GROUP_COLUMNS
            ]
            sheet.append([group, row["label"], *values])
            sheet.cell(row=sheet.max_row, column=8).number_format = AMOUNT

    section_title(sheet, gettext("四、本期推评活动"))
    bold_header(
        sheet,
        [
            gettext("推评名称"),
            gettext("荣誉名称"),
            gettext("级别"),
            gettext("名额"),
            gettext("推荐开始日期"),
            gettext("推荐截止日期"),
            gettext("公示开始日期"),
            gettext("公示结束日期"),
            gettext("状态"),
            gettext("推荐数"),
            gettext("审核通过数"),
            gettext("公示异议取消数"),
            gettext("授予数"),
        ],
    )
    for r in honours["rounds"]:
        sheet.append(
            [
                r["title"],
                r["honour"],
                r["level"],
                r["quota"],
                *(
                    datetime.date.fromisoformat(r[key]) if r[key] else None
                    for key in ("opens_on", "closes_on", "publicity_starts_on", "publicity_ends_on")
                ),
                r["status"],
                r["submitted"],
                r["accepted"],
                r.get("objected", 0),
                r["approved"],
            ]
        )
        for column in (5, 6, 7, 8):
            sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd"
    if not honours["rounds"]:
        sheet.append([gettext("本期没有推评活动。")])


def _table(
    book: Workbook, title: str, header: list[str], rows: list[list[Any]], formats: dict[int, str]
) -> None:
    sheet = book.create_sheet(title)
    _header(sheet, header, [30, 22] + [13] * (len(header) - 2))
    for row in rows:
        sheet.append(row)
    _formats(sheet, 2, formats)


def report_workbook(content: ReportContent) -> bytes:
    book = Workbook()
    _cover(book, content)
    _summary(book, content)
    progress_sheet(book, content.narrative)
    _trend(book, content)
    _groups(book, gettext("按村（社区）"), content.snapshot["villages"])
    _groups(book, gettext("按工业园区"), content.snapshot["parks"])
    _groups(book, gettext("规上与规下"), content.snapshot["above_scale"])
    _skills(book, content)
    _institutes(book, content)
    _honours(book, content)
    party_sheet(book, content.snapshot)  # 党建 (issue 15)
    inspections_sheet(book, content.snapshot)  # 劳动监察 (issue 15)
    democratic_sheet(book, content.snapshot)  # 民主管理 (issue 15)
    _table(
        book,
        gettext("按企业"),
        [
            gettext("企业名称"),
            gettext("统一社会信用代码"),
            gettext("所属村（社区）"),
            gettext("所属工业园区"),
            gettext("规上企业"),
            gettext("已建工会"),
            gettext("在职职工数"),
            gettext("工会会员数"),
            gettext("入会率"),
            gettext("一线职工数"),
            gettext("一线职工党员数"),
            gettext("技能人才数"),
            gettext("%(year)s年度经费") % {"year": content.fund_year},
        ],
        content.enterprises,
        {9: PERCENT},
    )
    _table(
        book,
        gettext("未建会企业"),
        [
            gettext("企业名称"),
            gettext("统一社会信用代码"),
            gettext("所属村（社区）"),
            gettext("所属工业园区"),
            gettext("规上企业"),
            gettext("在职职工数"),
        ],
        content.uncovered,
        {},
    )
    _table(
        book,
        gettext("经费达标"),
        [
            gettext("企业名称"),
            gettext("统一社会信用代码"),
            gettext("所属村（社区）"),
            gettext("%(year)s年度状态") % {"year": content.fund_year},
            gettext("职工工资总额"),
            gettext("提取额"),
            gettext("提取比例"),
            gettext("提取缺口（元）"),
            gettext("使用额"),
            gettext("其中一线"),
            gettext("一线占比"),
        ],
        content.funds,
        {5: AMOUNT, 6: AMOUNT, 7: PERCENT, 8: AMOUNT, 9: AMOUNT, 10: AMOUNT, 11: PERCENT},
    )
    _table(
        book,
        gettext("工作清单"),
        [
            gettext("任务"),
            gettext("编号"),
            gettext("责任线办（中心）"),
            gettext("完成期限"),
            gettext("进度"),
            gettext("最近反馈"),
            gettext("逾期"),
            gettext("本期未反馈"),
            gettext("最新反馈内容"),
        ],
        content.tasks,
        {4: "yyyy-mm-dd", 6: "yyyy-mm-dd"},
    )
    book[gettext("工作清单")].column_dimensions["I"].width = 60
    # Names of enterprises, villages, parks and tasks were typed by people: text, never formulas.
    return workbook_bytes(book)
