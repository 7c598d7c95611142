"""The 党建 (seed measure 1) and 劳动监察 (seed measure 8) sheets of the report workbook (issue 15),
written from the run's frozen snapshot (`party.figures.party_snapshot`,
`compliance.inspection_figures.inspection_snapshot`). Names of branches and enterprises only:
no person is named. A report frozen before these keys existed gets a one-line note.
"""

from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from reports.sheet_parts import PERCENT, bold_header, section_title


def _figure(sheet: Worksheet, label: str, value: Any, *, is_rate: bool = False) -> None:
    sheet.append([label, "—" if value is None else value])
    if is_rate and value is not None:
        sheet.cell(row=sheet.max_row, column=2).number_format = PERCENT


def _names(sheet: Worksheet, names: list[str], none: str) -> None:
    for name in names:
        sheet.append([name])
    if not names:
        sheet.append([none])


def party_sheet(book: Workbook, snapshot: dict[str, Any]) -> None:
    """党建: coverage and frontline party members, branches missing 三会一课 or 主题党日 in the
    quarter, and every branch's activities of the quarter."""
    sheet = book.create_sheet(gettext("党建"))
    for letter, width in zip("ABCDEFG", (36, 14, 18, 12, 14, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    party = snapshot.get("party")
    if not party:  # a report frozen before issue 15
        sheet.append([gettext("本报告生成时尚未统计党建数据。")])
        return
    kpis = snapshot.get("kpis", {})
    section_title(
        sheet, gettext("一、党组织覆盖（%(quarter)s）") % {"quarter": party["quarter"]}, first=True
    )
    _figure(sheet, gettext("企业总数"), kpis.get("enterprises_total"))
    _figure(
        sheet, gettext("党组织覆盖企业数（含联合党组织）"), kpis.get("party_covered_enterprises")
    )
    _figure(sheet, gettext("党组织覆盖率"), kpis.get("party_coverage_rate"), is_rate=True)
    _figure(sheet, gettext("一线职工党员数"), kpis.get("frontline_party_members"))
    _figure(
        sheet,
        gettext("一线职工党员比例"),
        kpis.get("frontline_party_member_rate"),
        is_rate=True,
    )
    section_title(
        sheet,
        gettext("二、本季度未开展“三会一课”的党组织（%(count)s个）")
        % {"count": len(party["without_three_meetings"])},
    )
    _names(sheet, party["without_three_meetings"], gettext("无"))
    section_title(
        sheet,
        gettext("三、本季度未开展主题党日的党组织（%(count)s个）")
        % {"count": len(party["without_themed_day"])},
    )
    _names(sheet, party["without_themed_day"], gettext("无"))
    section_title(sheet, gettext("四、党组织活动情况"))
    bold_header(
        sheet,
        [
            gettext("党组织名称"),
            gettext("组建方式"),
            gettext("所属村（社区）"),
            gettext("活动次数"),
            gettext("三会一课"),
            gettext("主题党日"),
            gettext("最近活动日期"),
        ],
    )
    for row in party["branches"]:
        sheet.append(
            [
                row["name"],
                row["kind"],
                row["village"],
                row["activities"],
                row["three_meetings_one_lesson"],
                row["themed_party_day"],
                row["last_activity_on"] or "—",
            ]
        )
    if not party["branches"]:
        sheet.append([gettext("没有党组织。")])


def inspections_sheet(book: Workbook, snapshot: dict[str, Any]) -> None:
    """劳动监察: open, overdue and closed findings by kind, then every open finding (enterprise,
    kind, subject, dates), overdue ones marked."""
    sheet = book.create_sheet(gettext("劳动监察"))
    for letter, width in zip("ABCDEFG", (30, 22, 20, 36, 12, 12, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    inspections = snapshot.get("inspections")
    if not inspections:  # a report frozen before issue 15
        sheet.append([gettext("本报告生成时尚未统计劳动监察数据。")])
        return
    section_title(sheet, gettext("一、检查发现问题（按类别）"), first=True)
    bold_header(
        sheet,
        [
            gettext("问题类别"),
            gettext("期末未整改"),
            gettext("其中逾期"),
            gettext("本季度整改销号"),
        ],
    )
    for row in inspections["by_kind"]:
        sheet.append([row["label"], row["open"], row["overdue"], row["closed"]])
    totals = inspections["totals"]
    sheet.append(
        [
            gettext("合计"),
            totals["inspections_open"],
            totals["inspections_overdue"],
            totals["inspections_closed"],
        ]
    )
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    section_title(sheet, gettext("二、期末未整改问题清单"))
    bold_header(
        sheet,
        [
            gettext("企业名称"),
            gettext("统一社会信用代码"),
            gettext("问题类别"),
            gettext("检查事项"),
            gettext("检查日期"),
            gettext("整改期限"),
            gettext("逾期"),
        ],
    )
    for row in inspections["open_findings"]:
        sheet.append(
            [
                row["enterprise"],
                row["uscc"],
                row["kind"],
                row["subject"],
                row["inspected_on"],
                row["deadline"] or "—",
                gettext("是") if row["overdue"] else "",
            ]
        )
    if not inspections["open_findings"]:
        sheet.append([gettext("期末没有未整改的问题。")])
