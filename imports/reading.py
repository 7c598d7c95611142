"""Turn an uploaded file into rows: the one defensive layer in front of every spreadsheet parser.

INTERFACES.md ("Spreadsheets people upload") promises that anything that is not a usable
spreadsheet is refused with a clear message and that no file can harm the process. python-calamine
does the real parsing, but it is Rust: a bad allocation there aborts the whole process (no
exception reaches Python). So every file is checked *before* calamine sees it:

* the format is detected from the content, never from the extension;
* archives (.xlsx, .ods) are checked against zip bombs from the central directory, then every
  entry is streamed once counting the real bytes (declared sizes are not trusted);
* each sheet calamine will materialise is pre-scanned for its real extent (calamine allocates the
  whole rectangle between the first and last cell) and for how much text it will copy
  (a shared string is copied once per cell that uses it);
* .xls files get the same treatment from their BIFF records, after a validating read of the OLE2
  container (calamine's own reader loops forever on cyclic sector chains).

The pre-scans mirror what calamine 0.37 actually does (self-closing cells carry no value, the last
`r` attribute wins, ODS repeats are capped at 16,384 columns …); where mirroring is uncertain they
err on the side of refusing. Cell values are returned raw; imports.cells normalises them.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import logging
import os
import re
import struct
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, TypedDict, cast
from xml.parsers import expat

from python_calamine import (
    CalamineWorkbook,
    PasswordError,
    SheetMetadata,
    SheetTypeEnum,
    SheetVisibleEnum,
)

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 200_000

# Real rows a sheet may have before it is refused outright; the engine enforces the exact
# MAX_DATA_ROWS on data rows (title and header rows excluded).
_MAX_ROWS = MAX_DATA_ROWS + 1000
_MAX_COLUMNS = 1000
# calamine allocates rows × columns cells (32 bytes each) for the used range.
_MAX_CELLS = 8_000_000
# ODS cells calamine pushes while parsing, before building ranges (56 bytes each).
_MAX_ODS_PUSHED_CELLS = 10_000_000
# Bytes of cell text calamine (and then Python) will hold for one sheet.
_MAX_TEXT_BYTES = 256 * 1024 * 1024
_MAX_ZIP_ENTRIES = 1000
_MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
_MAX_RATIO = 100
_RATIO_CHECKED_ABOVE = 1024 * 1024
# calamine reserves uniqueCount strings up front (24 bytes each).
_MAX_SHARED_STRINGS = 10_000_000
# workbook.xml, relationships, content types, manifest: metadata parts read whole.
_MAX_SMALL_PART = 8 * 1024 * 1024
_MAX_SPACES = 10_000_000
_CHUNK = 1024 * 1024
_TEXT_PROBE = 64 * 1024

_MSG_TOO_BIG = (
    "文件超过 20 MB，无法导入。请删除多余的工作表、图片或格式，或把数据拆分成几个文件分批上传。"
)
_MSG_EMPTY = "文件是空的（0 字节），请检查是否选错了文件。"
_MSG_NOT_SPREADSHEET = "该文件不是电子表格文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。"
_MSG_PDF = "该文件是 PDF 文档，不是电子表格文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。"
_MSG_WORD = "该文件是 Word 文档，不是电子表格文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。"
_MSG_HTML = "该文件是网页格式（HTML），不是真正的 Excel 文件，请用 Excel 打开后另存为 .xlsx。"
_MSG_XML2003 = "该文件是 Excel 2003 XML 表格格式，请用 Excel 打开后另存为 .xlsx。"
_MSG_MACRO = "该工作簿包含宏，为安全起见不能导入。请在 Excel 中另存为不含宏的 .xlsx 后重新上传。"
_MSG_XLSB = "不支持 Excel 二进制工作簿（.xlsb），请用 Excel 打开后另存为 .xlsx。"
_MSG_ENCRYPTED = (
    "该文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。"
)
_MSG_BOMB = (
    "该文件解压后体积异常巨大（可能是压缩炸弹或文件已损坏），无法导入。"
    "请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
_MSG_ENTRIES = (
    "该文件内部包含的部件过多，无法导入。请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
_MSG_RANGE = (
    "工作表“{sheet}”的使用范围异常（在很远的行或列中有内容），无法导入。"
    "请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
_MSG_ROWS = "工作表“{sheet}”的行数超过 200,000 行，无法导入，请拆分后分批上传。"
_MSG_CSV_ROWS = "文件的行数超过 200,000 行，无法导入，请拆分后分批上传。"
_MSG_TEXT = (
    "工作表“{sheet}”中的文字内容异常巨大，无法导入。"
    "请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
_MSG_TOO_MUCH = (
    "文件内容过多，无法处理。请拆分后分批上传，或把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
_MSG_UNREADABLE = (
    "无法读取该文件，文件可能已损坏或格式不受支持。请用 Excel 打开后另存为 .xlsx 再上传。"
)
_MSG_ENCODING = (
    "无法识别该文本文件的文字编码。请另存为 UTF-8 编码的 CSV 文件，或另存为 .xlsx 后再上传。"
)
_MSG_NO_VISIBLE = "工作簿中没有可见的工作表（都被隐藏了），请取消隐藏要导入的工作表后再上传。"
_MSG_NOT_FOUND = "找不到文件：{path}"
_SOME_SHEET = "（工作簿中的某个工作表）"


class UnusableFile(Exception):
    """File cannot be used at all.

    `.message` is a Chinese sentence telling the user what is wrong and how to fix it.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    name: str  # the sheet that was read (CSV: the file name)
    # (Excel row number as Excel shows it, 1-based; cell values), blank rows omitted
    rows: list[tuple[int, list[object]]]
    hidden_sheets: list[str]  # names of hidden sheets that were ignored
    other_visible_sheets: list[str]  # visible sheets not read


def read_sheet(
    source: str | os.PathLike | bytes | BinaryIO, *, filename: str, preferred_sheet: str
) -> Sheet:
    """Read the sheet INTERFACES.md says to read, or raise UnusableFile saying why not."""
    try:
        data = _load(source)
        return _read(data, filename, preferred_sheet)
    except UnusableFile:
        raise
    except MemoryError as exc:
        raise UnusableFile(_MSG_TOO_MUCH) from exc
    except BaseException as exc:
        # Rust panics surface as pyo3's PanicException, a BaseException: they are parser
        # failures too. Only interpreter-level exits keep their meaning.
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        logger.warning("Unreadable upload %r", filename, exc_info=True)
        raise UnusableFile(_MSG_UNREADABLE) from exc


# ---------------------------------------------------------------------------------------------
# Loading and format detection


def _load(source: str | os.PathLike | bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        try:
            size = os.stat(source).st_size
        except FileNotFoundError as exc:
            raise UnusableFile(_MSG_NOT_FOUND.format(path=os.fspath(source))) from exc
        if size > MAX_FILE_BYTES:
            raise UnusableFile(_MSG_TOO_BIG)
        with open(source, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    else:
        try:
            source.seek(0)
        except (AttributeError, OSError, ValueError):
            pass  # not seekable: read from where it is
        data = source.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes | bytearray):
            raise UnusableFile(_MSG_UNREADABLE)
        data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(_MSG_TOO_BIG)
    return data


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGICS = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"II*\x00",
    b"MM\x00*",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"\xfd7zXZ",
    b"{\\rtf",
    b"\x7fELF",
)
_HTML_STARTS = ("<html", "<!doctype", "<table", "<head", "<meta", "<body", "<style", "<title")


def _read(data: bytes, filename: str, preferred: str) -> Sheet:
    if not data:
        raise UnusableFile(_MSG_EMPTY)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_zip(data, preferred)
    if data.startswith(_OLE_MAGIC):
        return _read_ole(data, preferred)
    if data.startswith(b"%PDF"):
        raise UnusableFile(_MSG_PDF)
    if data.startswith(_BINARY_MAGICS):
        raise UnusableFile(_MSG_NOT_SPREADSHEET)
    text = _decode_text(data)
    probe = text[:_TEXT_PROBE].lstrip("\ufeff \t\r\n").lower()
    if probe.startswith(_HTML_STARTS) or "<table" in probe:
        raise UnusableFile(_MSG_HTML)
    if probe.startswith("mime-version:") and "text/html" in probe:
        raise UnusableFile(_MSG_HTML)  # "single file web page" (.mht) saved as .xls
    if probe.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in probe or "excel.sheet" in probe:
            raise UnusableFile(_MSG_XML2003)
        raise UnusableFile(_MSG_NOT_SPREADSHEET)
    return _read_csv(text, filename)


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab separated.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnusableFile(_MSG_NOT_SPREADSHEET) from exc
    if b"\x00" in data[:_TEXT_PROBE]:
        raise UnusableFile(_MSG_NOT_SPREADSHEET)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise UnusableFile(_MSG_ENCODING) from exc


# ---------------------------------------------------------------------------------------------
# CSV


def _read_csv(text: str, filename: str) -> Sheet:
    delimiter = _sniff_delimiter(text[:_TEXT_PROBE])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    for number, record in enumerate(reader, start=1):
        cells: list[object] = [value if value != "" else None for value in record]
        row = _keep_row(cells)
        if row is None:
            continue
        rows.append((number, row))
        if len(rows) > _MAX_ROWS:
            raise UnusableFile(_MSG_CSV_ROWS)
    name = os.path.basename(filename) or filename
    return Sheet(name=name, rows=rows, hidden_sheets=[], other_visible_sheets=[])


def _sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first lines into the most fields; comma on a tie."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", 0
    for candidate in (",", "\t", ";"):
        try:
            score = sum(len(r) - 1 for r in csv.reader(lines, delimiter=candidate))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = candidate, score
    return best


def _keep_row(cells: list[object]) -> list[object] | None:
    """Trim trailing empties; None when every cell is empty or only whitespace."""
    while cells and cells[-1] is None:
        cells.pop()
    for value in cells:
        if value is not None and not (isinstance(value, str) and value.isspace()):
            return cells
    return None


# ---------------------------------------------------------------------------------------------
# Zip containers (.xlsx, .ods)

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _read_zip(data: bytes, preferred: str) -> Sheet:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise UnusableFile(_MSG_UNREADABLE) from exc
    _check_zip_directory(data, infos)
    # calamine looks parts up case-insensitively with "\" read as "/".
    index: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.replace("\\", "/").lower()
        if key in index:
            raise UnusableFile(_MSG_UNREADABLE)  # two parts with one name: parsers may disagree
        index[key] = info
    unzip = _Unzipper(zf)

    is_xlsx = "[content_types].xml" in index and "xl/workbook.xml" in index
    is_ods = False
    if "mimetype" in index:
        is_ods = unzip.read(index["mimetype"], 1024).strip().startswith(_ODS_MIMETYPE)
    if is_xlsx and is_ods:
        raise UnusableFile(_MSG_UNREADABLE)
    if "xl/workbook.bin" in index and not is_xlsx:
        raise UnusableFile(_MSG_XLSB)
    if is_xlsx:
        if any(k.endswith("vbaproject.bin") or k.startswith("xl/macrosheets/") for k in index):
            raise UnusableFile(_MSG_MACRO)
        return _read_xlsx(data, index, unzip, preferred)
    if is_ods:
        if "_rels/.rels" in index:
            raise UnusableFile(_MSG_UNREADABLE)  # calamine would try it as .xlsx first
        return _read_ods(data, index, unzip, preferred)
    if "word/document.xml" in index:
        raise UnusableFile(_MSG_WORD)
    raise UnusableFile(_MSG_NOT_SPREADSHEET)


def _check_zip_directory(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Zip-bomb checks that need no decompression: entry count, declared sizes, ratios."""
    if len(infos) > _MAX_ZIP_ENTRIES or _declared_entry_count(data) > _MAX_ZIP_ENTRIES:
        raise UnusableFile(_MSG_ENTRIES)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnusableFile(_MSG_ENCRYPTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnusableFile(_MSG_UNREADABLE)  # calamine's zip reader only inflates
        total += info.file_size
        if info.file_size > _RATIO_CHECKED_ABOVE and (
            info.compress_size <= 0 or info.file_size > _MAX_RATIO * info.compress_size
        ):
            raise UnusableFile(_MSG_BOMB)
    if total > _MAX_UNZIPPED_BYTES:
        raise UnusableFile(_MSG_BOMB)


def _declared_entry_count(data: bytes) -> int:
    """Entry count the end-of-central-directory records claim (the Rust reader sizes by it)."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if pos < 0 or pos + 22 > len(data):
        raise UnusableFile(_MSG_UNREADABLE)
    on_disk, total = struct.unpack_from("<HH", data, pos + 8)
    count = max(on_disk, total)
    locator = pos - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
            count = max(count, *struct.unpack_from("<QQ", data, offset + 24))
    return count


class _Unzipper:
    """Streams entries counting the bytes that really come out, never the declared sizes."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.total = 0

    def chunks(self, info: zipfile.ZipInfo, *, count: bool = True) -> Iterator[bytes]:
        # zipfile stops at the declared size; letting it go further shows an entry that lies.
        probe = copy.copy(info)
        probe.file_size = info.file_size + 2 * _CHUNK
        seen = 0
        with self.zf.open(probe) as fh:
            while chunk := fh.read(_CHUNK):
                seen += len(chunk)
                if count:
                    self.total += len(chunk)
                if seen > info.file_size or self.total > _MAX_UNZIPPED_BYTES:
                    raise UnusableFile(_MSG_BOMB)
                yield chunk

    def read(self, info: zipfile.ZipInfo, limit: int = _MAX_SMALL_PART) -> bytes:
        if info.file_size > limit:
            raise UnusableFile(_MSG_UNREADABLE)
        return b"".join(self.chunks(info))

    def drain(self, info: zipfile.ZipInfo) -> None:
        for _ in self.chunks(info):
            pass


def _expat_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()

    def refuse_dtd(*_args: object) -> None:
        # No spreadsheet part has a DTD; entities would let expat and calamine see different text.
        raise UnusableFile(_MSG_UNREADABLE)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    return parser


def _feed(parser: expat.XMLParserType, chunks: Iterable[bytes]) -> None:
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnusableFile(_MSG_UNREADABLE) from exc


def _local(name: str) -> str:
    # quick-xml's local name: everything after the first colon.
    return name.partition(":")[2] if ":" in name else name


# ---------------------------------------------------------------------------------------------
# .xlsx


def _read_xlsx(
    data: bytes, index: dict[str, zipfile.ZipInfo], unzip: _Unzipper, preferred: str
) -> Sheet:
    content_types = unzip.read(index["[content_types].xml"]).lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise UnusableFile(_MSG_MACRO)
    xl_path, sheet_parts, read_keys = _xlsx_sheet_parts(index, unzip)
    read_keys.add("[content_types].xml")
    sst_key = (xl_path + "sharedStrings.xml").lower()
    is_sheet_part = {key for _, key in sheet_parts}

    shared: _SharedStrings | None = None
    scans: dict[str, _FastSheetScan] = {}
    for key, info in index.items():
        if key in read_keys:
            continue
        if key == sst_key:
            shared = _fast_shared_strings(unzip.chunks(info))
            if shared is None:  # unusual markup: measure it with a real XML parser
                shared = _scan_shared_strings(unzip.chunks(info, count=False))
        else:
            # Any part could be the one a sheet points to; the scan also checks its real size.
            scans[key] = _fast_scan(unzip.chunks(info))

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    chosen, hidden, others = _choose_sheet(workbook.sheets_metadata, preferred)
    keys = [key for name, key in sheet_parts if name == chosen and key in scans]
    for key in keys or list(scans):  # not knowing which part calamine reads: guard them all
        label = chosen if key in is_sheet_part else _SOME_SHEET
        _guard_xlsx_sheet(unzip, index[key], scans[key], shared, label)
    return _sheet_from_calamine(workbook, chosen, hidden, others)


_TAG_END_OR_QUOTE = re.compile(rb"[>\"']")
_TAG_NAME = re.compile(rb"[^\s/>]+")


def _xml_tags(part: bytes) -> Iterator[tuple[str, list[tuple[bytes, bytes]]]]:
    """Start tags of a small part as quick-xml sees them (quotes may hide '>'), raw attributes."""
    if b"<!" in part:
        # comments, CDATA or a DTD would make a textual scan see tags calamine skips
        raise UnusableFile(_MSG_UNREADABLE)
    pos = 0
    while (start := part.find(b"<", pos)) >= 0:
        cursor = start + 1
        while True:
            match = _TAG_END_OR_QUOTE.search(part, cursor)
            if match is None:
                return
            if match.group() == b">":
                end = match.start()
                break
            close = part.find(match.group(), match.end())
            if close < 0:
                return
            cursor = close + 1
        pos = end + 1
        body = part[start + 1 : end]
        if body[:1] in (b"/", b"?"):
            continue
        name = _TAG_NAME.match(body)
        if name is None:
            continue
        yield (
            _local(name.group().decode("utf-8", "replace")),
            _raw_attributes(body[name.end() :].rstrip(b"/")),
        )


def _raw_attributes(raw: bytes) -> list[tuple[bytes, bytes]]:
    """calamine's RawAttrIter: key up to '=', trimmed; quoted value, no unescaping."""
    out: list[tuple[bytes, bytes]] = []
    pos, size = 0, len(raw)
    while True:
        while pos < size and raw[pos : pos + 1].isspace():
            pos += 1
        if pos >= size:
            return out
        eq = raw.find(b"=", pos)
        if eq < 0:
            return out
        key = raw[pos:eq].rstrip()
        pos = eq + 1
        while pos < size and raw[pos : pos + 1].isspace():
            pos += 1
        quote = raw[pos : pos + 1]
        if quote not in (b'"', b"'"):
            return out
        close = raw.find(quote, pos + 1)
        close = size if close < 0 else close
        out.append((key, raw[pos + 1 : close]))
        pos = close + 1


def _get_attrs(attrs: list[tuple[bytes, bytes]], *keys: bytes) -> list[bytes | None]:
    """calamine's get_attrs!: a later duplicate wins, but the scan stops once every key was seen
    as many times as there are keys."""
    values: list[bytes | None] = [None] * len(keys)
    found = 0
    for key, value in attrs:
        if key in keys:
            values[keys.index(key)] = value
            found += 1
            if found == len(keys):
                break
    return values


def _unescape(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    if "&" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        ref = match.group(1)
        named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
        if ref in named:
            return named[ref]
        try:
            return chr(int(ref[2:], 16) if ref[:2] in ("#x", "#X") else int(ref[1:]))
        except (ValueError, OverflowError):
            return match.group(0)

    return re.sub(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);", one, text)


def _xlsx_sheet_parts(
    index: dict[str, zipfile.ZipInfo], unzip: _Unzipper
) -> tuple[str, list[tuple[str, str]], set[str]]:
    """(xl folder, [(sheet name, part key)], parts read) resolved the way calamine resolves them.

    An empty list means the mapping could not be made; then every part is treated as a sheet.
    """
    read: set[str] = set()

    def part(key: str) -> bytes | None:
        info = index.get(key.lower())
        if info is None:
            return None
        read.add(key.lower())
        return unzip.read(info)

    try:
        package = part("_rels/.rels")
        targets = []
        for name, attrs in _xml_tags(package or b""):
            if name == "Relationship":
                kind, target = _get_attrs(attrs, b"Type", b"Target")
                if kind is not None and kind.endswith(b"/relationships/officeDocument"):
                    targets.append(_unescape(target or b""))
        if not targets:
            return "xl/", [], read
        document = targets[-1]
        xl_path = document[: document.rfind("/") + 1].removeprefix("/")
        workbook = part(xl_path + "workbook.xml") or b""
        rels = part(xl_path + "_rels/workbook.xml.rels") or b""
    except UnusableFile:
        raise
    except Exception:
        return "xl/", [], read
    by_id: dict[bytes, list[str]] = {}
    for name, attrs in _xml_tags(rels):
        if name == "Relationship":
            rel_id, _kind, target = _get_attrs(attrs, b"Id", b"Type", b"Target")
            if rel_id is not None:
                by_id.setdefault(rel_id, []).append((target or b"").decode("utf-8", "replace"))
    sheets: list[tuple[str, str]] = []
    for name, attrs in _xml_tags(workbook):
        if name != "sheet":
            continue
        sheet_name, rel_ids = "", []
        for key, value in attrs:
            if key == b"name":
                sheet_name = _unescape(value)
            elif key == b"id" or key.endswith(b":id"):
                rel_ids.append(value)
        for rel_id in rel_ids:
            for sheet_target in by_id.get(rel_id, []):
                path = sheet_target[1:] if sheet_target.startswith("/") else xl_path + sheet_target
                sheets.append((sheet_name, path.lower()))
    return xl_path, sheets, read


@dataclass
class _SharedStrings:
    spans: array  # upper bound, in bytes, of each shared string's text, by index
    max_span: int


# In "plain" XML (no comments, CDATA, processing instructions, and quotes that never hide a '<'
# or '>'), every '<' starts a tag exactly where quick-xml sees one, so tags can be found by
# plain byte searches. Each pattern is searched on its own: one alternation is several times
# slower.
_PLAIN_BREAKERS = (
    re.compile(rb"<[!?]"),
    re.compile(rb"<[^<>]*<"),  # a tag that does not end before the next one starts
    re.compile(rb"<[^<>']*'"),  # single-quoted attribute (or stray quote) inside a tag
    re.compile(rb'<[^<>"]*"(?:[^<>"]*"[^<>"]*")*[^<>"]*>'),  # odd number of '"' in a tag
)
_XML_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^<>]*\?>")


def _is_plain(part: bytes, start: int) -> bool:
    if any(pattern.search(part, start) for pattern in _PLAIN_BREAKERS):
        return False
    last_open = part.rfind(b"<")
    return last_open < 0 or part.find(b">", last_open) >= 0


def _check_unique_count(value: bytes) -> None:
    """calamine reserves room for uniqueCount strings before reading a single one."""
    lead = _LEADING_INDEX.match(value)
    if lead and int(lead.group(1)) > _MAX_SHARED_STRINGS:
        raise UnusableFile(_MSG_BOMB)


def _fast_shared_strings(chunks: Iterable[bytes]) -> _SharedStrings | None:
    """_scan_shared_strings at byte-search speed for the way Excel, WPS, LibreOffice and
    openpyxl write the part (plain XML, bare <si> … </si>); None for anything else."""
    spans = array("Q")
    tail = b""
    first = True
    for chunk in itertools.chain(chunks, [b"<si>"]):
        buf = tail + chunk
        # Cut before the last <si>: every string before it is complete.
        cut = buf.rfind(b"<si>")
        if cut < 0:
            if len(buf) > 4 * _CHUNK:
                return None  # one string of megabytes: let the real parser measure it
            tail = buf
            continue
        part, tail = buf[:cut], buf[cut:]
        start = 0
        if first:
            first = False
            prolog = _XML_PROLOG.match(part)
            start = prolog.end() if prolog else 0
        if (
            not _is_plain(part, start)
            or b":si" in part
            or part.count(b"<si") != part.count(b"<si>")
            or part.count(b"</si") != part.count(b"</si>")
        ):
            return None
        pieces = part.split(b"<si>")
        head = pieces[0]
        if start or head:
            # Before the first string: the <sst …> tag and nothing else that matters.
            sst = re.search(rb"<sst[\s>]", head)
            if sst is None or b"</si>" in head:
                return None
            end = head.find(b">", sst.start())
            _check_unique_count(
                dict(_raw_attributes(head[sst.start() + 4 : end])).get(b"uniqueCount", b"")
            )
        for piece in pieces[1:]:
            close = piece.find(b"</si>")
            if close < 0 or piece.find(b"</si>", close + 5) >= 0:
                return None  # nested or unbalanced strings: calamine pairs them differently
            spans.append(close + 9)
        if len(spans) > _MAX_SHARED_STRINGS:
            raise UnusableFile(_MSG_BOMB)
    return _SharedStrings(spans=spans, max_span=max(spans, default=0))


class _SharedStringsState(TypedDict):
    in_sst: bool
    done: bool
    open: str  # name of the open <si> tag, "" when none is open
    start: int  # byte index where the open string began


def _scan_shared_strings(chunks: Iterable[bytes]) -> _SharedStrings:
    """Measure every shared string (calamine copies one per cell that uses it) and check the
    uniqueCount calamine reserves up front."""
    parser = _expat_parser()
    spans = array("Q")
    state: _SharedStringsState = {"in_sst": False, "done": False, "open": "", "start": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        if state["done"]:
            return
        local = _local(name)
        if not state["in_sst"]:
            if local == "sst":
                state["in_sst"] = True
                _check_unique_count(attrs.get("uniqueCount", "").encode())
            return
        if not state["open"] and local == "si":
            state["open"] = name
            state["start"] = parser.CurrentByteIndex

    def end(name: str) -> None:
        if state["done"] or not state["in_sst"]:
            return
        if state["open"]:
            # calamine ends a string at the first end tag with the opening tag's name.
            if name == state["open"]:
                spans.append(parser.CurrentByteIndex - state["start"] + len(name) + 3)
                state["open"] = ""
                if len(spans) > _MAX_SHARED_STRINGS:
                    raise UnusableFile(_MSG_BOMB)
        elif _local(name) == "sst":
            state["done"] = True

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(parser, chunks)
    return _SharedStrings(spans=spans, max_span=max(spans, default=0))


# Anything here sends the sheet to the exact (slow) scan. Together they guarantee that every
# cell calamine can see carries its own canonical r="…" with a column below CV (100) and a row
# at most 201,000, so the used range cannot exceed 99 × 201,000 cells.
_FAST_BAD_CELL = re.compile(
    rb'<c(?:[\t\n\r/>]| (?!r=")| r="(?:[A-Za-z]{3}|[D-Zd-z][A-Za-z]|[Cc][V-Zv-z]'
    rb"|[A-Za-z]{0,2}(?:\d{7}|[3-9]\d{5}|2[1-9]\d{4}|20[2-9]\d{3}|201\d{3})))"
)
_FAST_PREFIXED = re.compile(rb":(?:c|row|v|is|sheetData)[\t\n\r />]")
_FAST_ODD_SYNTAX = re.compile(rb"=(?:(?<=[\t\n\r ]=)|[\t\n\r '])")
_WHITESPACE_TO_SPACE = bytes.maketrans(b"\t\n\r", b"   ")
_XML_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")


@dataclass
class _FastSheetScan:
    suspicious: bool = False
    cells: int = 0  # every cell tag: an upper bound of the cells using a shared string


def _fast_scan(chunks: Iterable[bytes]) -> _FastSheetScan:
    """Byte-level checks at C speed; a sheet written the way Excel, WPS, LibreOffice, openpyxl
    or POI write it passes without the exact scan."""
    scan = _FastSheetScan()
    counts = [0, 0, 0]  # <c r=", <row r=", any r="
    tail = b""
    first = True
    for chunk in chunks:
        if scan.suspicious:
            continue  # keep streaming: the size checks still apply
        buf = tail + chunk
        if first:
            first = False
            head = buf[:4096]
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                scan.suspicious = True  # UTF-16: the byte patterns would not match
                continue
            declared = _XML_DECL_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
            if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
                scan.suspicious = True
                continue
        # Cut before the last '<' so no tag or text run is split between two passes.
        cut = buf.rfind(b"<")
        if cut <= 0:
            scan.suspicious = len(buf) > 4 * _CHUNK
            tail = buf
            continue
        _fast_part(scan, counts, buf[:cut])
        tail = buf[cut:]
    if not scan.suspicious:
        _fast_part(scan, counts, tail)
    if counts[2] != counts[0] + counts[1]:
        scan.suspicious = True  # a second r="…" in a tag: calamine keeps the last one
    return scan


def _fast_part(scan: _FastSheetScan, counts: list[int], part: bytes) -> None:
    # The odd-syntax regex is slow; skip it when every '=' is followed by '"' and none follows
    # whitespace, which is how every writer we know of writes attributes.
    maybe_odd = (
        part.count(b"=") != part.count(b'="')
        or part.translate(_WHITESPACE_TO_SPACE).count(b" =") > 0
    )
    if (
        (maybe_odd and _FAST_ODD_SYNTAX.search(part))
        or _FAST_BAD_CELL.search(part)
        or _FAST_PREFIXED.search(part)
    ):
        scan.suspicious = True
        return
    cells = part.count(b'<c r="')
    counts[0] += cells
    counts[1] += part.count(b'<row r="')
    counts[2] += part.count(b' r="')
    scan.cells += cells


def _guard_xlsx_sheet(
    unzip: _Unzipper,
    info: zipfile.ZipInfo,
    scan: _FastSheetScan,
    shared: _SharedStrings | None,
    label: str,
) -> None:
    spans = shared.spans if shared else array("Q")
    if scan.suspicious:
        _exact_sheet_scan(unzip.chunks(info, count=False), spans, label)
        return
    max_span = shared.max_span if shared else 0
    if scan.cells * max_span > _MAX_TEXT_BYTES:
        text = _shared_text_bytes(unzip.chunks(info, count=False), spans)
        if text > _MAX_TEXT_BYTES:
            raise UnusableFile(_MSG_TEXT.format(sheet=label))


_SHARED_CELL_VALUE = re.compile(rb't="s"><v>(\d+)</v>')
_V_ELEMENT = re.compile(rb"<v(?=[\s/>])([^>]*)>([^<]*)")
_LEADING_INDEX = re.compile(rb"\s*\+?(\d+)")


def _shared_text_bytes(chunks: Iterable[bytes], spans: array) -> int:
    """Text calamine copies out of the shared strings for a sheet that passed the fast scan."""
    total = 0
    tail = b""
    size = len(spans)
    first = spans[0] if size else 0
    top = max(spans, default=0)
    for chunk in itertools.chain(chunks, [b"<"]):
        buf = tail + chunk
        cut = buf.rfind(b"<")
        part, tail = buf[:cut], buf[cut:]
        # After the fast scan every shared-string cell says t="s" literally; when each one is
        # followed by a plain <v>index</v>, those indexes are exactly what calamine looks up.
        indexes = _SHARED_CELL_VALUE.findall(part)
        if len(indexes) == part.count(b't="s"'):
            total += sum(spans[i] for i in map(int, indexes) if i < size)
            if total > _MAX_TEXT_BYTES:
                break
            continue
        # Otherwise count every <v> as if its cell used a shared string: only overestimates.
        for attrs, text in _V_ELEMENT.findall(part):
            if attrs.strip():
                total += top
                continue
            # calamine's index parser falls back to 0 on anything but plain digits.
            cost = first
            lead = _LEADING_INDEX.match(text)
            if lead:
                idx = int(lead.group(1))
                if idx < size:
                    cost = max(cost, spans[idx])
            total += cost
        if total > _MAX_TEXT_BYTES:
            break
    return total


def _parse_ref(ref: str, *, need_column: bool) -> tuple[int, int]:
    """calamine's get_row_and_optional_column → (row, column), 0-based; column -1 if absent."""
    col = row = 0
    i, size = 0, len(ref)
    while i < size:
        ch = ref[i]
        if "A" <= ch <= "Z" or "a" <= ch <= "z":
            col = col * 26 + (ord(ch.upper()) - 64)
        elif "0" <= ch <= "9":
            break
        else:
            raise UnusableFile(_MSG_UNREADABLE)
        i += 1
        if col > 0xFFFFFFFF:
            raise _AbsurdRange
    for ch in ref[i:]:
        if not "0" <= ch <= "9":
            raise UnusableFile(_MSG_UNREADABLE)
        row = row * 10 + ord(ch) - 48
        if row > 0xFFFFFFFF:
            raise _AbsurdRange
    if row == 0 or (need_column and col == 0):
        raise UnusableFile(_MSG_UNREADABLE)
    return row - 1, col - 1


class _AbsurdRange(Exception):
    """Raised inside a scan; turned into the range message naming the sheet."""


def _check_extent(label: str, max_row: int, max_col: int, filled_rows: int) -> None:
    """Too many real rows is a 'too many rows' refusal; a far-away cell is an absurd range."""
    if filled_rows > _MAX_ROWS:
        raise UnusableFile(_MSG_ROWS.format(sheet=label))
    if max_row > _MAX_ROWS or max_col > _MAX_COLUMNS or max_row * max_col > _MAX_CELLS:
        raise UnusableFile(_MSG_RANGE.format(sheet=label))


class _ExactScanState(TypedDict):
    in_data: bool
    done: bool
    row: int
    col: int
    cell: list[int | bool] | None  # [row, col, has value, shared string] of the open cell
    depth: int
    max_row: int
    max_col: int
    text: int
    capture: bool
    filled: int
    last_filled: int


def _exact_sheet_scan(chunks: Iterable[bytes], spans: array, label: str) -> None:
    """Walk the worksheet the way calamine's XlsxCellReader does and refuse absurd ranges or
    text volumes. Slow (one Python call per element), so only for sheets the fast scan flagged."""
    parser = _expat_parser()
    size = len(spans)
    first_span = spans[0] if size else 0
    st: _ExactScanState = {
        "in_data": False,
        "done": False,
        "row": 0,
        "col": 0,
        "cell": None,
        "depth": 0,
        "max_row": 0,
        "max_col": 0,
        "text": 0,
        "capture": False,
        "filled": 0,
        "last_filled": -1,
    }
    vtext: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if st["done"]:
            return
        local = _local(name)
        if not st["in_data"]:
            st["in_data"] = local == "sheetData"
            return
        cell = st["cell"]
        if cell is not None:
            st["depth"] += 1
            if st["depth"] == 1 and local in ("v", "is"):
                cell[2] = True
                if local == "v" and cell[3]:
                    vtext.clear()
                    st["capture"] = True
                    parser.CharacterDataHandler = vtext.append
            return
        if local == "row":
            ref = attrs.get("r")
            if ref is not None:
                st["row"] = _parse_ref(ref, need_column=False)[0]
        elif local == "c":
            ref = attrs.get("r")
            if ref is not None:
                row, col = _parse_ref(ref, need_column=True)
                st["col"] = col
            else:
                row, col = st["row"], st["col"]
            st["cell"] = [row, col, False, attrs.get("t") == "s"]
            st["depth"] = 0

    def end(name: str) -> None:
        if st["done"] or not st["in_data"]:
            return
        cell = st["cell"]
        if cell is not None:
            if st["depth"] == 0:
                st["col"] += 1
                st["cell"] = None
                if cell[2]:
                    row, col = cell[0] + 1, cell[1] + 1
                    if row > st["max_row"]:
                        st["max_row"] = row
                    if col > st["max_col"]:
                        st["max_col"] = col
                        if col > _MAX_COLUMNS:
                            raise _AbsurdRange
                    if row != st["last_filled"]:
                        st["last_filled"] = row
                        st["filled"] += 1
                        if st["filled"] > _MAX_ROWS:
                            raise UnusableFile(_MSG_ROWS.format(sheet=label))
                return
            if st["depth"] == 1 and st["capture"]:
                st["capture"] = False
                parser.CharacterDataHandler = None
                text = "".join(vtext)
                cost = first_span
                lead = _LEADING_INDEX.match(text.encode("utf-8", "replace"))
                if lead and int(lead.group(1)) < size:
                    cost = max(cost, spans[int(lead.group(1))])
                st["text"] += cost
                if st["text"] > _MAX_TEXT_BYTES:
                    raise UnusableFile(_MSG_TEXT.format(sheet=label))
            st["depth"] -= 1
            return
        local = _local(name)
        if local == "row":
            st["row"] += 1
            st["col"] = 0
        elif local == "sheetData":
            st["done"] = True

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        _feed(parser, chunks)
    except _AbsurdRange:
        raise UnusableFile(_MSG_RANGE.format(sheet=label)) from None
    _check_extent(label, st["max_row"], st["max_col"], st["filled"])


# ---------------------------------------------------------------------------------------------
# .ods


def _read_ods(
    data: bytes, index: dict[str, zipfile.ZipInfo], unzip: _Unzipper, preferred: str
) -> Sheet:
    manifest = index.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in unzip.read(manifest):
        raise UnusableFile(_MSG_ENCRYPTED)
    content = index.get("content.xml")
    if content is None:
        raise UnusableFile(_MSG_UNREADABLE)
    for key, info in index.items():
        if key == "content.xml":
            _scan_ods_content(unzip.chunks(info))
        elif key not in ("mimetype", "meta-inf/manifest.xml"):
            unzip.drain(info)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    chosen, hidden, others = _choose_sheet(workbook.sheets_metadata, preferred)
    return _sheet_from_calamine(workbook, chosen, hidden, others)


_ODS_MAX_ROWS = 1_048_576  # calamine caps row repeats here
_ODS_MAX_COLUMNS = 16_384  # and column repeats here
_ODS_VALUE_ATTRS = (
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
)


def _ods_count(value: str | None) -> int:
    if value is None:
        return 1
    value = value.strip()
    if not value.isdigit():
        raise UnusableFile(_MSG_UNREADABLE)  # calamine's parse::<usize> fails too
    return int(value)


def _scan_ods_content(chunks: Iterable[bytes]) -> None:
    """calamine parses every table of content.xml when the file is opened, expanding repeated
    rows and cells. Follow its event loop (not the XML tree: a string cell ends at the first
    cell end tag, nested or not) and refuse what would not fit."""
    parser = _expat_parser()
    cell_names = ("table:table-cell", "table:covered-table-cell")
    value_attrs = frozenset(_ODS_VALUE_ATTRS)
    # 0 outside a table, 1 in a table, 2 in a row, 3 in a string cell, 4 skipping a cell
    state = 0
    label = ""
    table_rows = max_row = max_col = filled = table_text = 0
    row_start = row_repeats = current = deferred = width = row_text = 0
    cell_repeats = cell_content = cell_begin = cell_extra = skip_depth = 0
    skip_name = ""
    cell_attrs: dict[str, str] = {}
    pushed = cells_total = spaces = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal state, label, table_rows, max_row, max_col, filled, table_text
        nonlocal row_start, row_repeats, current, deferred, width, row_text
        nonlocal cell_repeats, cell_content, cell_begin, cell_extra, cell_attrs
        nonlocal skip_depth, skip_name, spaces
        if state == 3:
            if name == "text:s":
                count = _ods_count(attrs.get("text:c"))
                cell_extra += count
                spaces += count
                if spaces > _MAX_SPACES:
                    raise UnusableFile(_MSG_TEXT.format(sheet=label))
        elif state == 4:
            if name == skip_name:
                skip_depth += 1
        elif state == 2:
            if name in cell_names:
                repeats = attrs.get("table:number-columns-repeated")
                cell_repeats = 1 if repeats is None else _ods_count(repeats)
                is_string = attrs.get("office:value-type") == "string"
                cell_content = int(
                    is_string
                    or not value_attrs.isdisjoint(attrs)
                    or bool(attrs.get("table:formula"))
                )
                cell_begin = parser.CurrentByteIndex
                cell_attrs = attrs
                cell_extra = 0
                if is_string and "office:string-value" not in attrs:
                    state = 3  # calamine reads the text up to the first cell end tag
                else:
                    state, skip_name, skip_depth = 4, name, 0
        elif state == 1:
            if name == "table:table-row":
                repeats = attrs.get("table:number-rows-repeated")
                declared_rows = 1 if repeats is None else _ods_count(repeats)
                row_repeats = min(declared_rows, max(0, _ODS_MAX_ROWS - table_rows))
                row_start = table_rows
                table_rows += row_repeats
                current = deferred = width = row_text = 0
                state = 2
        elif name == "table:table" and "table:name" in attrs:
            label = attrs["table:name"]
            table_rows = max_row = max_col = filled = table_text = 0
            state = 1

    def finish_cell(name: str) -> None:
        nonlocal state, current, deferred, width, row_text
        # read_row: empties waiting from earlier cells are pushed when any cell follows.
        current += min(deferred, max(0, _ODS_MAX_COLUMNS - current))
        deferred = 0
        capped = min(cell_repeats, max(0, _ODS_MAX_COLUMNS - current))
        if cell_content:
            current += capped
            width = current
            span = parser.CurrentByteIndex - cell_begin + len(name) + 3
            if span == len(name) + 3:  # self-closing: its text is in the attributes
                span += sum(map(len, cell_attrs.values())) * 3
            row_text += (64 + span + cell_extra) * capped
        else:
            deferred = capped
        state = 2

    def end(name: str) -> None:
        nonlocal state, max_row, max_col, filled, table_text, pushed, cells_total, skip_depth
        if state == 3:
            if name in cell_names:
                finish_cell(name)
        elif state == 4:
            if name == skip_name:
                if skip_depth:
                    skip_depth -= 1
                else:
                    finish_cell(name)
        elif state == 2:
            if name == "table:table-row":
                state = 1
                pushed += current
                if pushed > _MAX_ODS_PUSHED_CELLS:
                    raise UnusableFile(_MSG_RANGE.format(sheet=label))
                if width:
                    max_row = max(max_row, row_start + row_repeats)
                    max_col = max(max_col, width)
                    table_text += row_text * max(row_repeats, 1)
                    filled += row_repeats
                    if filled > _MAX_ROWS:
                        raise UnusableFile(_MSG_ROWS.format(sheet=label))
                    if max_col > _MAX_COLUMNS:
                        raise UnusableFile(_MSG_RANGE.format(sheet=label))
                    if table_text > _MAX_TEXT_BYTES:
                        raise UnusableFile(_MSG_TEXT.format(sheet=label))
        elif state == 1 and name == "table:table":
            state = 0
            _check_extent(label, max_row, max_col, filled)
            cells_total += max_row * max_col
            if cells_total > _MAX_CELLS:
                raise UnusableFile(_MSG_RANGE.format(sheet=label))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(parser, chunks)


# ---------------------------------------------------------------------------------------------
# OLE2 containers (.xls, encrypted .xlsx)

_ENDOFCHAIN = 0xFFFFFFFE
_FIRST_RESERVED = 0xFFFFFFFA
_DIFSECT = 0xFFFFFFFC
_ENCRYPTION_STREAMS = {"EncryptedPackage", "EncryptionInfo"}
_MACRO_STORAGES = {"_VBA_PROJECT_CUR", "_VBA_PROJECT", "Macros", "VBA"}
_WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")


class _Cfb:
    """A validating compound-file reader that mirrors calamine's Cfb. Anything calamine could
    loop on forever (cyclic chains) or over-allocate for (header counts) is refused."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise UnusableFile(_MSG_UNREADABLE)
        self.data = data
        (version,) = struct.unpack_from("<H", data, 26)
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6 or (shift == 12 and len(data) < 4096):
            raise UnusableFile(_MSG_UNREADABLE)
        self.size = 1 << shift
        self.max_id = len(data) // self.size
        fat_len, dir_start = struct.unpack_from("<II", data, 44)
        mini_fat_start, mini_fat_len, difat_start = struct.unpack_from("<III", data, 60)
        (odd_capacity,) = struct.unpack_from("<I", data, 62)  # calamine reserves this many u32
        if fat_len > self.max_id + 1 or odd_capacity > 1 << 26:
            raise UnusableFile(_MSG_UNREADABLE)

        difat = list(struct.unpack_from("<109I", data, 76))
        sector_id, seen = difat_start, set()
        while sector_id < _FIRST_RESERVED:
            if sector_id in seen or sector_id > self.max_id:
                raise UnusableFile(_MSG_UNREADABLE)
            seen.add(sector_id)
            difat.extend(self._words(self._sector(sector_id)))
            sector_id = difat.pop()
        self.fat = array("I")
        for sector_id in difat:
            if sector_id < _DIFSECT:
                if sector_id > self.max_id:
                    raise UnusableFile(_MSG_UNREADABLE)
                self.fat.extend(self._words(self._sector(sector_id)))

        directory = self._chain(dir_start, None)
        self.entries: list[tuple[str, int, int]] = []
        for offset in range(0, len(directory) - 127, 128):
            raw = directory[offset : offset + 64].decode("utf-16-le", "replace")
            name = raw.split("\x00", 1)[0]
            (start,) = struct.unpack_from("<I", directory, offset + 116)
            if self.size == 512:
                (length,) = struct.unpack_from("<I", directory, offset + 120)
            else:
                (length,) = struct.unpack_from("<Q", directory, offset + 120)
            self.entries.append((name, start, length))
        if not self.entries or (version != 3 and self.entries[0][1] == _ENDOFCHAIN):
            raise UnusableFile(_MSG_UNREADABLE)
        self.mini_stream = b""
        self.mini_fat = array("I")
        if mini_fat_len > 0:
            root = self.entries[0]
            self.mini_stream = self._chain(root[1], root[2])
            limit = mini_fat_len * self.size
            self.mini_fat.extend(self._words(self._chain(mini_fat_start, limit)))

    @staticmethod
    def _words(raw: bytes) -> array:
        words = array("I")
        words.frombytes(raw[: len(raw) // 4 * 4])
        return words

    def _sector(self, sector_id: int) -> bytes:
        start = (sector_id + 1) * self.size
        return self.data[start : start + self.size]

    def _mini_sector(self, sector_id: int) -> bytes:
        start = sector_id * 64
        if start + 64 > len(self.mini_stream):
            raise UnusableFile(_MSG_UNREADABLE)  # calamine would read past the mini stream
        return self.mini_stream[start : start + 64]

    def _chain(self, start: int, limit: int | None, *, mini: bool = False) -> bytes:
        """Follow a sector chain; a sector seen twice is a cycle calamine would follow forever."""
        fat, read, max_id = (
            (self.mini_fat, self._mini_sector, self.max_id * 8)
            if mini
            else (self.fat, self._sector, self.max_id)
        )
        out = bytearray()
        sector_id, seen = start, set()
        while sector_id != _ENDOFCHAIN:
            if sector_id in seen or sector_id > max_id:
                raise UnusableFile(_MSG_UNREADABLE)
            seen.add(sector_id)
            chunk = read(sector_id)
            if limit is not None:
                out += chunk[: limit - len(out)]
                if len(out) >= limit:
                    break
            else:
                out += chunk
            if sector_id >= len(fat):
                raise UnusableFile(_MSG_UNREADABLE)
            sector_id = fat[sector_id]
        return bytes(out)

    def names(self) -> set[str]:
        return {name for name, _, _ in self.entries}

    def stream(self, name: str) -> bytes | None:
        for entry_name, start, length in self.entries:
            if entry_name == name:
                if length < 4096:
                    return self._chain(start, length, mini=True)
                return self._chain(start, length)
        return None


def _read_ole(data: bytes, preferred: str) -> Sheet:
    try:
        cfb = _Cfb(data)
    except UnusableFile:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnusableFile(_MSG_ENCRYPTED) from None
        raise
    names = cfb.names()
    if names & _ENCRYPTION_STREAMS:
        raise UnusableFile(_MSG_ENCRYPTED)
    stream = None
    for candidate in _WORKBOOK_STREAMS:
        stream = cfb.stream(candidate)
        if stream is not None:
            break
    if stream is None:
        if "WordDocument" in names:
            raise UnusableFile(_MSG_WORD)
        raise UnusableFile(_MSG_NOT_SPREADSHEET)
    if names & _MACRO_STORAGES:
        raise UnusableFile(_MSG_MACRO)
    _scan_biff(stream)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise UnusableFile(_MSG_ENCRYPTED) from exc
    chosen, hidden, others = _choose_sheet(workbook.sheets_metadata, preferred)
    return _sheet_from_calamine(workbook, chosen, hidden, others)


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int, list[tuple[int, int]]]]:
    """calamine's RecordIter: (type, data start, data end, CONTINUE parts) until the stream ends
    or a record is cut short (where calamine stops with an error)."""
    size = len(stream)
    unpack = struct.unpack_from
    while size - pos >= 4:
        typ, length = unpack("<HH", stream, pos)
        if size - pos < length + 4:
            return
        begin, end = pos + 4, pos + 4 + length
        pos = end
        parts: list[tuple[int, int]] = []
        while size - pos > 4 and unpack("<H", stream, pos)[0] == 0x003C:
            (length,) = unpack("<H", stream, pos + 2)
            if size - pos < length + 4:
                return
            parts.append((pos + 4, pos + 4 + length))
            pos += 4 + length
        yield typ, begin, end, parts


def _sst_lengths(stream: bytes, begin: int, end: int, parts: list[tuple[int, int]]) -> array:
    """Upper bound (UTF-8 bytes) of each SST string, walking the record like calamine's parse_sst
    so that indexes line up."""
    segments = [(begin + 8, end), *parts]
    lengths = array("Q")
    seg = 0
    pos, stop = segments[0]

    def next_segment() -> bool:
        nonlocal seg, pos, stop
        seg += 1
        if seg >= len(segments):
            return False
        pos, stop = segments[seg]
        return True

    while True:
        if pos >= stop:
            if not next_segment():
                break
            continue
        if stop - pos < 3:
            raise UnusableFile(_MSG_UNREADABLE)
        cch, flags = struct.unpack_from("<HB", stream, pos)
        pos += 3
        runs = extra = 0
        if flags & 0x8:
            if stop - pos < 2:
                raise UnusableFile(_MSG_UNREADABLE)
            (runs,) = struct.unpack_from("<H", stream, pos)
            pos += 2
        if flags & 0x4:
            if stop - pos < 4:
                raise UnusableFile(_MSG_UNREADABLE)
            (extra,) = struct.unpack_from("<i", stream, pos)
            pos += 4
            if extra < 0:
                raise UnusableFile(_MSG_UNREADABLE)
        wide = flags & 0x1
        remaining = cch
        while remaining > 0:
            width = 2 if wide else 1
            take = min(remaining, (stop - pos) // width)
            pos += take * width
            remaining -= take
            if remaining > 0:
                if not next_segment() or pos >= stop:
                    raise UnusableFile(_MSG_UNREADABLE)
                wide = stream[pos] & 0x1
                pos += 1
        skip = runs * 4 + extra
        while skip > 0:
            if pos >= stop and not next_segment():
                raise UnusableFile(_MSG_UNREADABLE)
            step = min(skip, stop - pos)
            pos += step
            skip -= step
        lengths.append(cch * 3)
    return lengths


_BIFF_CELLS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006, 0x00BD})
_BIFF_MAX_RESERVE = 65_536 * 256


def _scan_biff(stream: bytes) -> None:
    """calamine reads every sheet of an .xls when it opens it, allocating the rectangle between
    the first and last cell and the DIMENSIONS the file declares. Check both, and the text copied
    from the shared string table."""
    sheets: list[tuple[int, str]] = []
    lengths = array("Q")
    for typ, begin, end, parts in _biff_records(stream, 0):
        if typ == 0x002F:
            raise UnusableFile(_MSG_ENCRYPTED)
        if typ == 0x0085 and end - begin >= 4:
            name = _biff_sheet_name(stream[begin + 6 : end]) or f"第{len(sheets) + 1}个工作表"
            sheets.append((struct.unpack_from("<I", stream, begin)[0], name))
        elif typ == 0x00FC and end - begin >= 8:
            lengths = _sst_lengths(stream, begin, end, parts)
        elif typ == 0x000A:
            break
    total_cells = total_text = 0
    for pos, label in sheets:
        if pos < len(stream):
            cells, text = _scan_biff_sheet(stream, pos, lengths, label)
            total_cells += cells
            total_text += text
            if total_cells > _MAX_CELLS:
                raise UnusableFile(_MSG_RANGE.format(sheet=label))
            if total_text > _MAX_TEXT_BYTES:
                raise UnusableFile(_MSG_TEXT.format(sheet=label))


_HEADER = struct.Struct("<HH")
_U32 = struct.Struct("<I")


def _scan_biff_sheet(stream: bytes, pos: int, lengths: array, label: str) -> tuple[int, int]:
    """One sheet substream: (cells calamine allocates, shared-string bytes it copies).

    A hot loop (one pass per record), so records are read in place rather than through
    _biff_records; a CONTINUE record only ever extends the record before it, which is skipped
    here anyway."""
    header, u32 = _HEADER.unpack_from, _U32.unpack_from
    cell_types = _BIFF_CELLS
    size = len(stream)
    min_row = min_col = 1 << 32
    max_row = max_col = -1
    text = 0
    seen_bof = False
    depth = 0
    size_of_strings = len(lengths)
    while size - pos >= 4:
        typ, length = header(stream, pos)
        begin = pos + 4
        pos = begin + length
        if pos > size:
            break  # calamine stops with an error here
        if depth:
            depth += (typ == 0x0809) - (typ == 0x000A)
            continue
        if typ in cell_types:
            if length < 4:
                continue
            row, first = header(stream, begin)
            last = first
            if typ == 0x00FD and length >= 10:
                (idx,) = u32(stream, begin + 6)
                if idx < size_of_strings:
                    text += lengths[idx]
                    if text > _MAX_TEXT_BYTES:
                        raise UnusableFile(_MSG_TEXT.format(sheet=label))
            elif typ == 0x00BD:
                count = (length - 6 + 5) // 6 if length >= 6 else 0
                if not count:
                    continue
                last = first + count - 1
        elif typ == 0x0809:
            if seen_bof:
                depth = 1  # an embedded chart or other substream: calamine skips it
            seen_bof = True
            continue
        elif typ == 0x000A:
            break
        elif typ == 0x0200:
            _check_dimensions(stream, begin, length, label)
            continue
        else:
            continue
        if row < min_row:
            min_row = row
        if row > max_row:
            max_row = row
        if first < min_col:
            min_col = first
        if last > max_col:
            max_col = last
    if max_row < 0:
        return 0, text
    if max_col + 1 > _MAX_COLUMNS:
        raise UnusableFile(_MSG_RANGE.format(sheet=label))
    cells = (max_row - min_row + 1) * (max_col - min_col + 1)
    if cells > _MAX_CELLS:
        raise UnusableFile(_MSG_RANGE.format(sheet=label))
    return cells, text


def _biff_sheet_name(raw: bytes) -> str:
    """BoundSheet name for messages: BIFF8 flags UTF-16, older files use the ANSI code page."""
    if len(raw) < 2:
        return ""
    count = raw[0]
    if raw[1] in (0, 1) and len(raw) >= 2 + count * (raw[1] + 1):
        text = raw[2 : 2 + count * (raw[1] + 1)]
        return text.decode("utf-16-le" if raw[1] else "latin-1", "replace")
    return raw[1 : 1 + count].decode("gbk", "replace")


def _check_dimensions(stream: bytes, begin: int, length: int, label: str) -> None:
    """calamine reserves rows × columns from DIMENSIONS (u32 arithmetic that may wrap)."""
    if length == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, begin)
    elif length == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, begin)
    else:
        return  # calamine refuses the record
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row >= 1 and last_col >= 1:
        rows = ((last_row - 1 - first_row) % 2**32 + 1) % 2**32
        cols = ((last_col - 1 - first_col) % 2**32 + 1) % 2**32
    else:
        rows = cols = 1
    if rows * cols > _BIFF_MAX_RESERVE:
        raise UnusableFile(_MSG_RANGE.format(sheet=label))


# ---------------------------------------------------------------------------------------------
# Sheet choice and rows


def _choose_sheet(
    metadata: list[SheetMetadata], preferred: str
) -> tuple[str, list[str], list[str]]:
    """The visible worksheet named like the template sheet, else the first visible one in
    workbook order; the tab the workbook opens on does not matter."""
    if any(m.typ == SheetTypeEnum.MacroSheet for m in metadata):
        raise UnusableFile(_MSG_MACRO)
    hidden = [m.name for m in metadata if m.visible != SheetVisibleEnum.Visible]
    visible = [
        m.name
        for m in metadata
        if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
    ]
    if not visible:
        raise UnusableFile(_MSG_NO_VISIBLE)
    wanted = preferred.strip()
    chosen = next((name for name in visible if name.strip() == wanted), visible[0])
    others = [name for name in visible if name != chosen]
    return chosen, hidden, others


_NO_CELLS: list[object] = []


def _sheet_from_calamine(
    workbook: CalamineWorkbook, chosen: str, hidden: list[str], others: list[str]
) -> Sheet:
    sheet = workbook.get_sheet_by_name(chosen)
    rows: list[tuple[int, list[object]]] = []
    start = sheet.start
    if start is not None:
        # to_python() starts at the first used cell; .start says where that is.
        first_row, first_col = start
        pad: list[object] = [None] * first_col
        # A fresh list of fresh lists that only this function holds, so widening the cell type
        # (list is invariant) is safe; the rows are handed on as list[object] without copying.
        grid = cast("list[list[object]]", sheet.to_python(skip_empty_area=True))
        del sheet
        for offset, raw in enumerate(grid):
            grid[offset] = _NO_CELLS  # free as we go: only the rows kept stay in memory
            if "" in raw:  # calamine gives "" for an empty cell
                raw = [None if v == "" else v for v in raw]
            row = _keep_row(raw)
            if row is None:
                continue
            rows.append((first_row + offset + 1, pad + row if first_col else row))
            if len(rows) > _MAX_ROWS:
                raise UnusableFile(_MSG_ROWS.format(sheet=chosen))
    return Sheet(name=chosen, rows=rows, hidden_sheets=hidden, other_visible_sheets=others)
