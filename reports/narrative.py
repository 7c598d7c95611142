"""The written progress section of a report (工作开展情况, 存在问题, 下步打算; issue 15): its reads,
the plain-text format shared by the page, the 进展情况 sheet and the Word document, and the
work list's latest feedback text.

The text is plain text, never HTML: blank lines separate paragraphs; a line starting with
"- ", "• " (bullets) or "1." / "1、" / "（1）" / "(1)" (numbered, the number kept as written) is
a list item. Every consumer writes the text as text: the templates escape it, the sheet stores
strings as strings (imports.xlsx.workbook_bytes), python-docx writes XML text nodes.
"""

import datetime
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from core.roles import Role, has_role, is_sub_district_staff
from imports.xlsx import workbook_bytes
from reports.models import ReportNarrative
from worklist.models import ReformTask, TaskFeedback

logger = logging.getLogger(__name__)

# The three sections, in the report's order: (model field, heading).
SECTIONS = (
    ("work_done", _("工作开展情况")),
    ("problems", _("存在问题")),
    ("next_steps", _("下步打算")),
)
SECTION_NUMBERS = ("一", "二", "三")
SHEET_TITLE = _("进展情况")

_BULLET = re.compile(r"^(?:[-•·]|\*)\s+(?P<text>.*)$")
# "1." "1．" "1、" "1)" "（1）" "(1)"; "1.5万元" is a number, not a list item.
_NUMBER = re.compile(
    r"^(?P<marker>\d{1,3}(?:[.．](?!\d)|[、)）])|[（(]\d{1,3}[)）])\s*(?P<text>.*)$"
)
# Indentation people type in Chinese documents (full-width spaces) and ordinary spaces.
_INDENT = " \t\u3000"


@dataclass
class Item:
    marker: str  # "" for a bullet, the number as written ("1.", "（2）") for a numbered item
    text: str


@dataclass
class Block:
    kind: str  # "paragraph", "bullets" or "numbers"
    text: str = ""  # a paragraph's text; its lines joined by "\n"
    items: list[Item] = field(default_factory=list)


@dataclass
class Section:
    key: str
    heading: str  # "工作开展情况"
    number: str  # "一"
    blocks: list[Block]


def clean_text(text: str) -> str:
    """Line breaks normalised, and the control characters neither XML (xlsx, docx) nor a page
    can carry removed (text pasted from other programs brings some)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def parse(text: str) -> list[Block]:
    """Paragraphs and lists of a section's plain text (the module's docstring has the rules)."""
    blocks: list[Block] = []
    current: Block | None = None
    for raw in clean_text(text).split("\n"):
        line = raw.strip(_INDENT)
        if not line:
            current = None
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if bullet or number:
            kind = "bullets" if bullet else "numbers"
            item = (
                Item("", bullet.group("text").strip())
                if bullet
                else Item(number.group("marker"), number.group("text").strip())  # type: ignore[union-attr]
            )
            if current is None or current.kind != kind:
                current = Block(kind)
                blocks.append(current)
            current.items.append(item)
            continue
        if current is not None and current.kind == "paragraph":
            current.text += "\n" + line
        else:
            current = Block("paragraph", text=line)
            blocks.append(current)
    return blocks


def sections(narrative: ReportNarrative | None) -> list[Section]:
    """The three sections of a version, parsed; empty sections when there is none."""
    return [
        Section(
            key,
            str(heading),
            number,
            parse(getattr(narrative, key, "") if narrative is not None else ""),
        )
        for (key, heading), number in zip(SECTIONS, SECTION_NUMBERS, strict=True)
    ]


def lines(blocks: list[Block]) -> list[str]:
    """One line of text per paragraph and per list item (the sheet's rows)."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "paragraph":
            out.append(block.text)
        else:
            out.extend(
                "%s %s" % (item.marker, item.text) if item.marker else "• %s" % item.text
                for item in block.items
            )
    return out


# --- reads ------------------------------------------------------------------------------------


def narrative_published(kind: str, period: str) -> ReportNarrative | None:
    """The newest published version of a period's progress section: what officials see."""
    return (
        ReportNarrative.objects.filter(
            kind=kind, period=period, status=ReportNarrative.Status.PUBLISHED
        )
        .order_by("-version")
        .first()
    )


def narrative_visible_to(user: Any, kind: str, period: str) -> ReportNarrative | None:
    """The version shown beside a report: the newest published one, to staff and officials
    only; a draft never."""
    if not (is_sub_district_staff(user) or has_role(user, Role.OFFICIAL)):
        return None
    return narrative_published(kind, period)


def narrative_versions(user: Any, kind: str, period: str) -> list[ReportNarrative]:
    """Every version of a period's section, newest first (staff: the editing page)."""
    if not is_sub_district_staff(user):
        return []
    return list(
        ReportNarrative.objects.filter(kind=kind, period=period)
        .select_related("created_by", "published_by")
        .order_by("-version")
    )


def task_feedback_texts(as_of: datetime.date) -> dict[int, str]:
    """Each work-list task's latest feedback text on `as_of` (newest by reported_on, then id),
    for the report's 工作清单 sheet: one query for all tasks."""
    latest = TaskFeedback.objects.filter(task=OuterRef("pk"), reported_on__lte=as_of).order_by(
        "-reported_on", "-id"
    )
    return {
        pk: text
        for pk, text in ReformTask.objects.annotate(
            latest_text=Subquery(latest.values("text")[:1])
        ).values_list("pk", "latest_text")
        if text
    }


# --- the 进展情况 sheet -------------------------------------------------------------------------


def progress_sheet(
    book: Workbook, narrative: ReportNarrative | None, *, index: int | None = None
) -> Worksheet:
    """Write (or rewrite) the 进展情况 sheet of a report workbook: per section a title row, then
    one row per paragraph and list item."""
    title = str(SHEET_TITLE)
    if title in book.sheetnames:
        old = book[title]
        index = book.sheetnames.index(title) if index is None else index
        book.remove(old)
    sheet = book.create_sheet(title, index)
    sheet.column_dimensions["A"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    if narrative is None:
        sheet.append([gettext("本期进展情况尚未发布。")])
        return sheet
    sheet.append([gettext("版本 v%(version)s，发布于 %(at)s") % _version_detail(narrative)])
    for section in sections(narrative):
        sheet.append(["%s、%s" % (section.number, section.heading)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        for text in lines(section.blocks) or [gettext("（无）")]:
            sheet.append([text])
            sheet.cell(row=sheet.max_row, column=1).alignment = wrap
    return sheet


def _version_detail(narrative: ReportNarrative) -> dict[str, Any]:
    published = narrative.published_at
    return {
        "version": narrative.version,
        "at": timezone.localtime(published).strftime("%Y-%m-%d %H:%M") if published else "—",
    }


def workbook_with_narrative(data: bytes, narrative: ReportNarrative | None) -> bytes:
    """A stored report workbook with its 进展情况 sheet replaced by `narrative` (the newest
    published version at download time: a section published after the report was built still
    reaches the officials). Charts and formats survive openpyxl's load and save."""
    try:
        book = load_workbook(io.BytesIO(data))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        # Not a workbook openpyxl reads (never one the portal wrote): served as stored.
        logger.warning("report workbook not readable; served without the progress section")
        return data
    # Right after the summary when the workbook was built before the sheet existed.
    index = None
    if str(SHEET_TITLE) not in book.sheetnames:
        index = min(2, len(book.sheetnames))
    progress_sheet(book, narrative, index=index)
    return workbook_bytes(book)
