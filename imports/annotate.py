"""Give an upload with row errors back to its owner, annotated, to fix in Excel and upload again.

An import with any error changes nothing (DOMAIN.md: all-or-nothing), and a list of "第14行
身份证号 …" is hard to work through in a sheet of thousands of rows. So the user downloads their
own sheet back: every row at the SAME Excel row number as in the original file (title rows and
blank rows included, because the error list and INTERFACES.md's `row` refer to those numbers),
every column at the same position, the cells at fault filled light red, and one extra column
错误说明 after the last used column saying what is wrong with each row. A second sheet, 错误清单,
lists every error.

Uploading the annotated file again through the same data set reads the same rows: 错误说明 is an
unknown column, ignored with a warning (INTERFACES.md), and text stays text (an ID number never
becomes a number, text starting with = + - @ is never a formula). The user fixes the red cells
and uploads the file as it is.

The file is read only through reading.read_sheet, the defensive reader, so the annotated file
holds exactly what the import read. It is written by a small streaming SpreadsheetML writer
rather than openpyxl: openpyxl spends 13-25 µs on every cell even in write-only mode, 20 to 40
seconds for a 100,000 × 15 roster (the download is a page request), while this writer needs
about 3 seconds. It only ever writes values, never formulas, with a fixed table of styles.
"""

# openpyxl is imported inside the functions that build a workbook: commands that write none
# start without it.
from __future__ import annotations

import datetime
import functools
import io
import math
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr  # nosec B406 # writes XML, parses none

from django.utils.translation import gettext

from imports.engine import DataSet, ImportRefused, MissingColumns, locate_header
from imports.reading import Sheet, read_sheet
from imports.xlsx import display_width

_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_TEXT = 32_767
# Characters XML 1.0 cannot carry at all (Excel could not open the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel reads "_x0041_" in text as an escaped "A": escape the underscore to keep such text.
_EXCEL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
# Text that needs any of the above, XML escaping or a carriage return kept (XML parsers turn
# "\r\n" into "\n"); most cells need none.
_NEEDS_CARE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_x")
# Characters Excel refuses in a sheet name; a CSV's "sheet" is its file name.
_BAD_TITLE_CHARS = re.compile(r"[\\/?*\[\]:]")
# Rows sampled to size the columns and tell text columns: enough to see the column's kind,
# cheap on 100,000 rows.
_SAMPLE_ROWS = 200
_NOTE_WIDTH = 60
# Rows of XML collected before each write to the compressed stream.
_FLUSH_ROWS = 2000

# The style table (_styles_xml). A cell's style index is (number format × 2 + fill) × 4 + font,
# so every combination exists and index 0 is Excel's default. Excel's own "light red fill with
# dark red text" pair marks what is wrong.
_GENERAL, _TEXT, _DATE, _DATETIME, _TIME, _DURATION = range(6)
_NUMBER_FORMAT_IDS = (0, 49, 164, 165, 21, 46)  # 49 is "@", 21 "h:mm:ss", 46 "[h]:mm:ss"
_CUSTOM_FORMATS = ((164, "yyyy-mm-dd"), (165, "yyyy-mm-dd hh:mm:ss"))
_FAULT = 4  # fill: light red
_BOLD, _RED, _BOLD_RED = 1, 2, 3  # fonts
_FAULT_COLOUR = "FFC7CE"
_NOTE_COLOUR = "9C0006"


def _style(number_format: int = _GENERAL, *, fault: bool = False, font: int = 0) -> int:
    """Index into the style table written by _styles_xml."""
    return number_format * 8 + (_FAULT if fault else 0) + font


def annotated_workbook(
    content: bytes, *, filename: str, dataset: DataSet, errors: Sequence[Mapping[str, Any]]
) -> bytes:
    """The uploaded file as .xlsx with faulty cells marked, a 错误说明 column and a 错误清单 sheet.

    `errors` are Issue.as_dict() entries of an import of this same file through `dataset`.
    Raises reading.UnusableFile if the file cannot be read (such a file has no row errors).
    """
    out = io.BytesIO()
    annotated_workbook_write(out, content, filename=filename, dataset=dataset, errors=errors)
    return out.getvalue()


def annotated_workbook_write(
    out: IO[bytes],
    content: bytes,
    *,
    filename: str,
    dataset: DataSet,
    errors: Sequence[Mapping[str, Any]],
) -> None:
    """annotated_workbook written into `out` (a file), not held in memory as a whole."""
    sheet = read_sheet(content, filename=filename, preferred_sheet=dataset.sheet_name)
    header_row: int | None = None
    data_start = 0
    columns: dict[str, list[int]] = {}
    try:
        position, mapping, _unknown = locate_header(sheet, dataset)
    except (ImportRefused, MissingColumns):
        pass  # no usable header: the 错误说明 column goes at the end of the first row
    else:
        header_row = sheet.rows[position][0]
        data_start = position + 1
        for index, column in mapping.items():
            columns.setdefault(column.name, []).append(index)

    width = max((len(cells) for _, cells in sheet.rows), default=0)
    note_row = header_row or (sheet.rows[0][0] if sheet.rows else 1)
    notes, faults = _group(errors, columns, note_row)
    mapped = {index for indexes in columns.values() for index in indexes}
    widths, text_columns = _survey(sheet, data_start, width, mapped)

    title = _sheet_title(sheet.name, dataset)
    list_title = gettext("错误清单")
    if list_title.casefold() == title.casefold():
        list_title = "%s2" % list_title
    # Not the fastest level: the annotated file must stay under the 20 MB upload limit.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        _write_package_parts(package, [title, list_title])
        with package.open("xl/worksheets/sheet1.xml", "w") as stream:
            writer = _DataSheetWriter(stream, width, header_row, text_columns)
            writer.start(widths, selected=True)
            for number, cells in _rows_and_note_rows(sheet, {*notes, note_row}):
                row_notes = notes.get(number)
                note = notes_joined(row_notes) if row_notes else None
                if number == note_row:
                    # The column's header; what is wrong with the whole file follows it.
                    note = "%s：%s" % (gettext("错误说明"), note) if note else gettext("错误说明")
                writer.row(number, cells, faults.get(number, ()), note, alert=bool(row_notes))
            writer.finish()
        with package.open("xl/worksheets/sheet2.xml", "w") as stream:
            _write_error_list(stream, errors)


def notes_joined(messages: Sequence[str]) -> str:
    """One 错误说明 cell from a row's messages: "…留空；【出生日期】…。", never "。；"."""
    parts = [m.strip().rstrip("。").strip() for m in messages]
    text = "；".join(p for p in parts if p)
    return text + "。" if text else ""


def _group(
    errors: Sequence[Mapping[str, Any]], columns: Mapping[str, list[int]], note_row: int
) -> tuple[dict[int, list[str]], dict[int, set[int]]]:
    """Messages per Excel row (file-level ones on the note row) and faulty cell indexes per row."""
    notes: dict[int, list[str]] = {}
    faults: dict[int, set[int]] = {}
    for error in errors:
        row = error.get("row")
        column = error.get("column")
        message = str(error.get("message") or "")
        if not isinstance(row, int) or not 1 <= row <= _EXCEL_MAX_ROWS:
            row = note_row
        notes.setdefault(row, []).append("【%s】%s" % (column, message) if column else message)
        if isinstance(column, str) and column in columns:
            faults.setdefault(row, set()).update(columns[column])
    return notes, faults


def _rows_and_note_rows(sheet: Sheet, noted: set[int]) -> Iterator[tuple[int, list[object]]]:
    """The sheet's rows in order, plus an empty row for any other row that has a note."""
    extra = sorted(noted - {number for number, _ in sheet.rows})
    position = 0
    for number, cells in sheet.rows:
        while position < len(extra) and extra[position] < number:
            yield extra[position], []
            position += 1
        yield number, cells
    for number in extra[position:]:
        yield number, []


def _sheet_title(name: str, dataset: DataSet) -> str:
    """The read sheet's name, made acceptable to Excel (a CSV's name is its file name)."""
    title = _BAD_TITLE_CHARS.sub("_", name).strip().strip("'")[:31]
    return title or dataset.sheet_name


def _survey(
    sheet: Sheet, data_start: int, width: int, mapped: set[int]
) -> tuple[list[float | None], set[int]]:
    """Column widths (so an 18-digit ID number shows whole) and the data-set columns holding
    text (ID numbers, codes, phones; all of a CSV), judged from the header and the first rows."""
    needed = [0] * width
    kinds: dict[int, set[type]] = {index: set() for index in mapped}
    for position in range(max(0, data_start - 1), data_start + _SAMPLE_ROWS):
        if position >= len(sheet.rows):
            break
        for index, value in enumerate(sheet.rows[position][1]):
            if value is not None:
                needed[index] = max(needed[index], _display_width(value))
                if position >= data_start and index in kinds:
                    kinds[index].add(type(value))
    widths: list[float | None] = [min(n + 2, 50) if n > 8 else None for n in needed]
    widths.append(_NOTE_WIDTH)
    return widths, {index for index, seen in kinds.items() if seen == {str}}


def _display_width(value: object) -> int:
    """Roughly how many character widths Excel needs: CJK characters count double."""
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, datetime.date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return display_width(text[:100])


# ---------------------------------------------------------------------------------------------
# SpreadsheetML


def _text(value: str) -> str:
    """Text as XML element content that Excel reads back unchanged."""
    if len(value) > _EXCEL_MAX_TEXT:
        value = value[:_EXCEL_MAX_TEXT]
    if _NEEDS_CARE.search(value) is None:
        return value
    value = _NOT_XML.sub("", value)
    value = _EXCEL_ESCAPE.sub("_x005F_", value).replace("\r", "_x000D_")
    return escape(value)


@functools.lru_cache(maxsize=4096)
def _serial(value: datetime.date | datetime.time | datetime.timedelta) -> tuple[int, str]:
    """Number format and Excel serial of a date or time (dates repeat: hire dates, birthdays)."""
    from openpyxl.utils.datetime import to_excel

    if isinstance(value, datetime.datetime):
        number_format = _DATE if value.time() == datetime.time(0, 0) else _DATETIME
    elif isinstance(value, datetime.date):
        number_format = _DATE
    elif isinstance(value, datetime.time):
        number_format = _TIME
    else:
        number_format = _DURATION
    return number_format, repr(to_excel(value))


_INLINE = '<c r="%s" s="%d" t="inlineStr"><is><t>%s</t></is></c>'
_INLINE_SPACED = '<c r="%s" s="%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>'


def _inline(ref: str, style: int, value: str) -> str:
    """An inline string: Excel never evaluates it, whatever it starts with (= + - @)."""
    if value and (value[0].isspace() or value[-1].isspace()):
        return _INLINE_SPACED % (ref, style, _text(value))
    return _INLINE % (ref, style, _text(value))


def _cell(
    ref: str, value: object, *, fault: bool = False, font: int = 0, text: bool = False
) -> str:
    """One <c> element keeping the value's kind: text stays text, dates stay dates."""
    if isinstance(value, str):
        return _inline(ref, _style(_TEXT, fault=fault, font=font), value)
    if isinstance(value, bool):  # before int: bool is an int subclass
        return '<c r="%s" s="%d" t="b"><v>%d</v></c>' % (ref, _style(fault=fault, font=font), value)
    if isinstance(value, int | float) and math.isfinite(value):
        return '<c r="%s" s="%d"><v>%r</v></c>' % (ref, _style(fault=fault, font=font), value)
    if value is None:
        style = _style(_TEXT if text else _GENERAL, fault=fault, font=font)
        return '<c r="%s" s="%d"/>' % (ref, style) if style else ""
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta) and not (
        isinstance(value, datetime.date) and value.year < 1900  # before Excel's calendar
    ):
        number_format, serial = _serial(value)
        style = _style(number_format, fault=fault, font=font)
        return '<c r="%s" s="%d"><v>%s</v></c>' % (ref, style, serial)
    return _inline(ref, _style(_TEXT, fault=fault, font=font), str(value))


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


class _DataSheetWriter:
    """Streams the annotated data sheet, a row of XML at a time."""

    def __init__(
        self, stream: IO[bytes], width: int, header_row: int | None, text_columns: set[int]
    ):
        from openpyxl.utils import get_column_letter

        self.stream = stream
        self.width = width
        self.header_row = header_row
        self.text_columns = text_columns
        self.letters = [get_column_letter(index + 1) for index in range(width + 1)]
        self.buffer: list[str] = []

    def start(self, widths: list[float | None], *, selected: bool) -> None:
        view = '<sheetView workbookViewId="0"%s' % (' tabSelected="1"' if selected else "")
        if self.header_row is None:
            view += "/>"
        else:
            below = self.header_row + 1
            view += (
                '><pane ySplit="%d" topLeftCell="A%d" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A%d" sqref="A%d"/></sheetView>'
                % (self.header_row, below, below, below)
            )
        cols = []
        for index, col_width in enumerate(widths):
            attributes = ""
            if col_width is not None:
                attributes += ' width="%s" customWidth="1"' % col_width
            if index in self.text_columns:
                # A cell the user types into (a blank ID number) stays text, not 3.30683E+17.
                attributes += ' style="%d"' % _style(_TEXT)
            if attributes:
                cols.append('<col min="%d" max="%d"%s/>' % (index + 1, index + 1, attributes))
        self.stream.write(
            (
                '%s<worksheet %s><sheetViews>%s</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                "%s<sheetData>"
                % (_XML_HEAD, _NS, view, "<cols>%s</cols>" % "".join(cols) if cols else "")
            ).encode()
        )

    def row(
        self,
        number: int,
        cells: list[object],
        faults: set[int] | tuple[()],
        note: str | None,
        *,
        alert: bool,
    ) -> None:
        is_header = number == self.header_row
        font = _BOLD if is_header else 0
        suffix = str(number)
        letters = self.letters
        text_columns = self.text_columns
        text_style = _style(_TEXT, font=font)
        parts = ['<row r="%d">' % number]
        append = parts.append
        # Plain text and numbers not at fault are written right here, everything else by _cell:
        # this loop runs for every cell of the file.
        for index, value in enumerate(cells):
            if index in faults:
                append(
                    _cell(
                        letters[index] + suffix,
                        value,
                        fault=True,
                        font=font,
                        text=index in text_columns,
                    )
                )
            elif value is None:
                continue
            elif (
                type(value) is str
                and 0 < len(value) <= _EXCEL_MAX_TEXT
                and not _NEEDS_CARE.search(value)
                and not value[0].isspace()
                and not value[-1].isspace()
            ):
                append(_INLINE % (letters[index] + suffix, text_style, value))
            elif type(value) is float and math.isfinite(value):
                append('<c r="%s" s="%d"><v>%r</v></c>' % (letters[index] + suffix, font, value))
            else:
                append(_cell(letters[index] + suffix, value, font=font))
        for index in sorted(faults):
            if index >= len(cells):  # a blank required cell past the row's last value
                append(_cell(letters[index] + suffix, None, fault=True, text=index in text_columns))
        if note is not None:
            if is_header:
                note_font = _BOLD_RED if alert else _BOLD
            else:
                note_font = _RED if alert else 0
            parts.append(_cell(letters[self.width] + suffix, note, font=note_font))
        parts.append("</row>")
        self.buffer.append("".join(parts))
        if len(self.buffer) >= _FLUSH_ROWS:
            self._flush()

    def finish(self) -> None:
        self._flush()
        self.stream.write(b"</sheetData></worksheet>")

    def _flush(self) -> None:
        self.stream.write("".join(self.buffer).encode())
        self.buffer.clear()


def _write_error_list(stream: IO[bytes], errors: Sequence[Mapping[str, Any]]) -> None:
    """The 错误清单 sheet: every error with its row (blank for the whole file) and column."""
    writer = _DataSheetWriter(stream, 3, 1, set())
    writer.start([8, 16, 80], selected=False)
    writer.row(1, [gettext("行号"), gettext("列"), gettext("错误说明")], (), None, alert=False)
    for number, error in enumerate(errors, start=2):
        row = error.get("row")
        column = error.get("column")
        writer.row(
            number,
            [
                row if isinstance(row, int) and row >= 1 else None,
                str(column) if column else None,
                str(error.get("message") or ""),
            ],
            (),
            None,
            alert=False,
        )
    writer.finish()


def _write_package_parts(package: zipfile.ZipFile, titles: list[str]) -> None:
    """Everything but the sheets' data: content types, relationships, workbook and styles."""
    overrides = "".join(
        '<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="%s.worksheet+xml"/>'
        % (number, _CONTENT)
        for number in range(1, len(titles) + 1)
    )
    package.writestr(
        "[Content_Types].xml",
        '%s<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="%s.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="%s.styles+xml"/>%s</Types>'
        % (_XML_HEAD, _CONTENT, _CONTENT, overrides),
    )
    package.writestr(
        "_rels/.rels",
        '%s<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>' % (_XML_HEAD, _PACKAGE_RELS, _DOC_RELS),
    )
    sheets = "".join(
        '<sheet name=%s sheetId="%d" r:id="rId%d"/>' % (quoteattr(title), number, number)
        for number, title in enumerate(titles, start=1)
    )
    package.writestr(
        "xl/workbook.xml",
        '%s<workbook %s %s><bookViews><workbookView activeTab="0"/></bookViews>'
        "<sheets>%s</sheets></workbook>" % (_XML_HEAD, _NS, _NS_R, sheets),
    )
    relations = "".join(
        '<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>'
        % (number, _DOC_RELS, number)
        for number in range(1, len(titles) + 1)
    )
    package.writestr(
        "xl/_rels/workbook.xml.rels",
        '%s<Relationships xmlns="%s">%s<Relationship Id="rId%d" Type="%s/styles" '
        'Target="styles.xml"/></Relationships>'
        % (_XML_HEAD, _PACKAGE_RELS, relations, len(titles) + 1, _DOC_RELS),
    )
    package.writestr("xl/styles.xml", _styles_xml())


def _styles_xml() -> str:
    """The fixed style table that _style() indexes into."""
    formats = "".join('<numFmt numFmtId="%d" formatCode="%s"/>' % f for f in _CUSTOM_FORMATS)
    base = '<sz val="11"/>%s<name val="Calibri"/><family val="2"/>'
    red = '<color rgb="FF%s"/>' % _NOTE_COLOUR
    fonts = (
        "<font>%s</font>" % (base % ""),
        "<font><b/>%s</font>" % (base % ""),
        "<font>%s</font>" % (base % red),
        "<font><b/>%s</font>" % (base % red),
    )
    fills = (
        '<fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FF%s"/><bgColor rgb="FF%s"/>'
        "</patternFill></fill>" % (_FAULT_COLOUR, _FAULT_COLOUR)
    )
    xfs = []
    for format_id in _NUMBER_FORMAT_IDS:
        for fill_id in (0, 2):
            for font_id in range(4):
                xfs.append(
                    '<xf numFmtId="%d" fontId="%d" fillId="%d" borderId="0" xfId="0"%s%s%s/>'
                    % (
                        format_id,
                        font_id,
                        fill_id,
                        ' applyNumberFormat="1"' if format_id else "",
                        ' applyFont="1"' if font_id else "",
                        ' applyFill="1"' if fill_id else "",
                    )
                )
    return (
        '%s<styleSheet %s><numFmts count="%d">%s</numFmts><fonts count="4">%s</fonts>'
        '<fills count="3">%s</fills><borders count="1"><border><left/><right/><top/><bottom/>'
        '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="%d">%s</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
        % (
            _XML_HEAD,
            _NS,
            len(_CUSTOM_FORMATS),
            formats,
            "".join(fonts),
            fills,
            len(xfs),
            "".join(xfs),
        )
    )
