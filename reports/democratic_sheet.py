"""The 民主管理 sheet of the report workbook (issue 15, seed measure 9), written from the run's
frozen snapshot (`compliance.figures.democratic_figures`): 职代会, 厂务公开 and 工资集体协商
overall and by village/community, park and size, then the enterprises missing each. Enterprise
names only: no person is named. A report frozen before the key existed gets a one-line note.
"""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from compliance.figures import ROW_COLUMNS
from reports.sheet_parts import PERCENT, bold_header, section_title

MISSING = (
    ("congress", _("近12个月未召开职代会的企业")),
    ("disclosure", _("本季度未进行厂务公开的企业")),
    ("wage_contract", _("无有效工资集体协商合同的企业")),
)


def democratic_sheet(book: Workbook, snapshot: dict[str, Any]) -> None:
    """民主管理: the three measures by group (counts and rates over all enterprises and over
    those of 25 or more active workers), and the enterprises missing each."""
    sheet = book.create_sheet(gettext("民主管理"))
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 36
    for letter in "CDEFGHIJKLMNOP":
        sheet.column_dimensions[letter].width = 13
    democratic = snapshot.get("democratic")
    if not democratic:  # a report frozen before issue 15
        sheet.append([gettext("本报告生成时尚未统计民主管理数据。")])
        return
    section_title(
        sheet,
        gettext("一、民主管理（截至 %(as_of)s）") % {"as_of": democratic["as_of"]},
        first=True,
    )
    bold_header(
        sheet,
        [gettext("分组"), gettext("名称")] + [str(label) for _key, label in ROW_COLUMNS],
    )
    for group, rows in (
        (gettext("全街道"), [democratic["overall"]]),
        (gettext("村（社区）"), democratic["villages"]),
        (gettext("工业园区"), democratic["parks"]),
        (gettext("企业规模"), democratic["above_scale"]),
    ):
        for row in rows:
            sheet.append([group, row["label"], *(row[key] for key, _label in ROW_COLUMNS)])
            for column, (key, _label) in enumerate(ROW_COLUMNS, start=3):
                if "_rate" in key:
                    sheet.cell(row=sheet.max_row, column=column).number_format = PERCENT
    sheet.append(
        [
            gettext(
                "说明：职代会为截至日期前12个月内召开；厂务公开为本季度第一天至截至日期；工资集体"
                "协商合同为截至日期在有效期内。只统计街道已确认的记录。25人及以上指截至日期在职"
                "职工25人及以上的企业。"
            )
        ]
    )
    for number, (key, title) in enumerate(MISSING, start=2):
        names = democratic["missing"][key]
        section_title(
            sheet,
            gettext("%(number)s、%(title)s（%(count)s家）")
            % {"number": "二三四"[number - 2], "title": title, "count": len(names)},
        )
        bold_header(
            sheet,
            [
                gettext("企业名称"),
                gettext("所属村（社区）"),
                gettext("所属工业园区"),
                gettext("规上企业"),
                gettext("25人及以上"),
            ],
        )
        for enterprise in names:
            sheet.append(
                [
                    enterprise["name"],
                    enterprise["village"],
                    enterprise["park"],
                    gettext("是") if enterprise["is_above_scale"] else gettext("否"),
                    gettext("是") if enterprise["workers_25_plus"] else gettext("否"),
                ]
            )
        if not names:
            sheet.append([gettext("无。")])
