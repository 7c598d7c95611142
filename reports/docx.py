"""The progress report as a Word document (python-docx; issue 15): title, date line, the written
sections (工作开展情况, 存在问题, 下步打算) of the newest published version, the report's figures
with targets, the baseline and the same period of the year before (reports.targets), and a block
to sign and stamp.

Text is written as text (XML text nodes): "<script>" or "=1+1" shows as typed. East Asian text
gets its own font (w:eastAsia), so Word does not fall back to a Latin font for Chinese.
"""

import datetime
import io
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from core.periods import Period, Quarter
from reports.models import ReportNarrative
from reports.narrative import sections

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
COLUMN_NAMES = (_("指标"), _("数值"), _("目标"), _("基期"), _("上年同期"))


def period_title(period: Period) -> str:
    """ "2026年第四季度" / "2026年11月"."""
    if isinstance(period, Quarter):
        return gettext("%(year)s年第%(number)s季度") % {
            "year": period.year,
            "number": QUARTER_NAMES[period.number],
        }
    return gettext("%(year)s年%(number)s月") % {"year": period.year, "number": period.number}


def _fonts(run_or_style: Any, name: str, *, size: float | None = None, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    r_pr = run_or_style.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), name)


def _styles(document: Any) -> None:
    styles = document.styles
    _fonts(styles["Normal"], BODY_FONT, size=14)
    styles["Normal"].paragraph_format.space_after = Pt(0)
    styles["Normal"].paragraph_format.line_spacing = 1.5
    for name in ("Heading 1", "Heading 2"):
        _fonts(styles[name], HEADING_FONT, size=16 if name == "Heading 1" else 14, bold=False)
        styles[name].paragraph_format.space_before = Pt(12)
        styles[name].paragraph_format.space_after = Pt(6)
    for name in ("List Bullet", "List Paragraph", "Table Grid"):
        _fonts(styles[name], BODY_FONT)


def _text(paragraph: Paragraph, text: str, **font: Any) -> None:
    # python-docx writes "\n" as a line break and escapes the rest as XML text.
    run = paragraph.add_run(text)
    if font:
        _fonts(run, font.pop("name", BODY_FONT), **font)


def progress_docx(
    *,
    kind: str,
    period: Period,
    as_of: datetime.date,
    comparisons: list[dict[str, Any]],
    narrative: ReportNarrative | None,
    today: datetime.date,
) -> bytes:
    """The Word progress report of one period: the figures given with their comparisons
    (reports.targets rows: a run's frozen ones via `stored_comparisons`, or build_report's live
    `figure_comparisons`) and the published narrative given (None: no written sections)."""
    document = Document()
    _styles(document)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(
        title,
        gettext("剡湖街道产业工人队伍建设改革工作进展情况（%(period)s）")
        % {"period": period_title(period)},
        name=TITLE_FONT,
        size=20,
        bold=True,
    )
    date_line = document.add_paragraph()
    date_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(
        date_line,
        gettext("（数据截至%(as_of)s，%(today)s印发）")
        % {"as_of": _chinese_date(as_of), "today": _chinese_date(today)},
        size=12,
    )

    number = 0
    numbers = ("一", "二", "三", "四")
    if narrative is not None:
        for section in sections(narrative):
            document.add_heading("%s、%s" % (numbers[number], section.heading), level=1)
            number += 1
            if not section.blocks:
                document.add_paragraph(gettext("（无）"))
            for block in section.blocks:
                if block.kind == "paragraph":
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.first_line_indent = Pt(28)
                    _text(paragraph, block.text)
                elif block.kind == "bullets":
                    for item in block.items:
                        _text(document.add_paragraph(style="List Bullet"), item.text)
                else:
                    for item in block.items:
                        paragraph = document.add_paragraph(style="List Paragraph")
                        _text(paragraph, "%s %s" % (item.marker, item.text))

    document.add_heading("%s、%s" % (numbers[number], gettext("主要指标")), level=1)
    table = document.add_table(rows=1, cols=len(COLUMN_NAMES))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, COLUMN_NAMES, strict=True):
        _text(cell.paragraphs[0], str(name), name=HEADING_FONT, size=11)
    for row in comparisons:
        cells = table.add_row().cells
        values = [
            row["label"],
            row["value_display"],
            row["target_display"],
            row["baseline_display"],
            row["year_before_display"],
        ]
        if row.get("behind"):
            values[1] += "（%s）" % gettext("落后于目标")
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            _text(cell.paragraphs[0], value, size=11)
            if index:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document.add_paragraph()
    for line in (
        gettext("单位（盖章）：中共嵊州市剡湖街道工作委员会"),
        gettext("日期：　　　　年　　月　　日"),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _text(paragraph, line)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _chinese_date(day: datetime.date) -> str:
    return gettext("%(year)s年%(month)s月%(day)s日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }
