""".xlsx: find the parts calamine reads and pre-scan them for their real extent and text size.

A fast byte-level scan clears sheets written the way common writers write them; anything else
gets an exact scan that walks the XML the way calamine does.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypedDict

from python_calamine import CalamineWorkbook

from imports.reading.containers import Unzipper, expat_parser, feed, local_name
from imports.reading.forked import ForkedParse
from imports.reading.limits import (
    CHUNK,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_TEXT_BYTES,
)
from imports.reading.messages import (
    MSG_BOMB,
    MSG_CELL_TEXT,
    MSG_MACRO,
    MSG_RANGE,
    MSG_ROWS,
    MSG_TEXT,
    MSG_UNREADABLE,
    SOME_SHEET,
    UnusableFile,
)
from imports.reading.sheets import Sheet, check_extent, choose_sheet, sheet_from_calamine


def read_xlsx(
    data: bytes, index: dict[str, zipfile.ZipInfo], unzip: Unzipper, preferred: str
) -> Sheet:
    content_types = unzip.read(index["[content_types].xml"]).lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise UnusableFile(MSG_MACRO)
    xl_path, sheet_parts, read_keys = _xlsx_sheet_parts(index, unzip)
    read_keys.add("[content_types].xml")
    sst_key = (xl_path + "sharedStrings.xml").lower()
    is_sheet_part = {key for _, key in sheet_parts}

    shared: _SharedStrings | None = None
    if sst_key in index and sst_key not in read_keys:
        shared = _fast_shared_strings(unzip.chunks(index[sst_key]))
        if shared is None:  # unusual markup: measure it with a real XML parser
            shared = _scan_shared_strings(unzip.chunks(index[sst_key], count=False))
    parts = {key: info for key, info in index.items() if key not in read_keys and key != sst_key}

    # calamine's parse starts in a child while the parts are scanned here (imports.reading.forked);
    # its rows are taken only once every check below has passed.
    forked = ForkedParse.start(data, preferred, sum(info.file_size for info in parts.values()))
    try:
        # Any part could be the one a sheet points to; the scan also checks its real size.
        scans = {key: _fast_scan(unzip.chunks(info)) for key, info in parts.items()}
        names = forked.metadata() if forked else None
        workbook = None
        if names is None:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            names = choose_sheet(workbook.sheets_metadata, preferred)
        chosen = names[0]
        keys = [key for name, key in sheet_parts if name == chosen and key in scans]
        for key in keys or list(scans):  # not knowing which part calamine reads: guard them all
            label = chosen if key in is_sheet_part else str(SOME_SHEET)
            _guard_xlsx_sheet(unzip, index[key], scans[key], shared, label)
        sheet = forked.sheet() if forked and workbook is None else None
        if sheet is None:
            if workbook is None:
                workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = sheet_from_calamine(workbook, *names)
        return sheet
    finally:
        if forked:
            forked.close()


_TAG_END_OR_QUOTE = re.compile(rb"[>\"']")
_TAG_NAME = re.compile(rb"[^\s/>]+")


def _xml_tags(part: bytes) -> Iterator[tuple[str, list[tuple[bytes, bytes]]]]:
    """Start tags of a small part as quick-xml sees them (quotes may hide '>'), raw attributes."""
    if b"<!" in part:
        # comments, CDATA or a DTD would make a textual scan see tags calamine skips
        raise UnusableFile(MSG_UNREADABLE)
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
            local_name(name.group().decode("utf-8", "replace")),
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
    index: dict[str, zipfile.ZipInfo], unzip: Unzipper
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
    if lead and int(lead.group(1)) > MAX_SHARED_STRINGS:
        raise UnusableFile(MSG_BOMB)


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
            if len(buf) > 4 * CHUNK:
                return None  # one string of megabytes: let the real parser measure it
            tail = buf
            continue
        part, tail = buf[:cut], buf[cut:]
        if len(tail) > 4 * CHUNK:
            return None  # one string of megabytes: the real parser stops at the cell limit
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
            if close > MAX_CELL_CHARS:
                return None  # may be longer than a cell holds: the real parser counts it
            spans.append(close + 9)
        if len(spans) > MAX_SHARED_STRINGS:
            raise UnusableFile(MSG_BOMB)
    return _SharedStrings(spans=spans, max_span=max(spans, default=0))


class _SharedStringsState(TypedDict):
    in_sst: bool
    done: bool
    open: str  # name of the open <si> tag, "" when none is open
    start: int  # byte index where the open string began


def _scan_shared_strings(chunks: Iterable[bytes]) -> _SharedStrings:
    """Measure every shared string (calamine copies one per cell that uses it) and check the
    uniqueCount calamine reserves up front."""
    parser = expat_parser()
    spans = array("Q")
    state: _SharedStringsState = {"in_sst": False, "done": False, "open": "", "start": 0}
    length = [0]  # characters of the open string so far (its rich-text runs together)

    def text(data: str) -> None:
        # expat hands long text over in pieces: stop at the limit, never holding the string.
        length[0] += len(data)
        if length[0] > MAX_CELL_CHARS:
            raise UnusableFile(MSG_CELL_TEXT)

    def start(name: str, attrs: dict[str, str]) -> None:
        if state["done"]:
            return
        local = local_name(name)
        if not state["in_sst"]:
            if local == "sst":
                state["in_sst"] = True
                _check_unique_count(attrs.get("uniqueCount", "").encode())
            return
        if not state["open"] and local == "si":
            state["open"] = name
            state["start"] = parser.CurrentByteIndex
            length[0] = 0
            parser.CharacterDataHandler = text

    def end(name: str) -> None:
        if state["done"] or not state["in_sst"]:
            return
        if state["open"]:
            # calamine ends a string at the first end tag with the opening tag's name.
            if name == state["open"]:
                spans.append(parser.CurrentByteIndex - state["start"] + len(name) + 3)
                state["open"] = ""
                parser.CharacterDataHandler = None
                if len(spans) > MAX_SHARED_STRINGS:
                    raise UnusableFile(MSG_BOMB)
        elif local_name(name) == "sst":
            state["done"] = True

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    feed(parser, chunks)
    return _SharedStrings(spans=spans, max_span=max(spans, default=0))


# Anything here sends the sheet to the exact (slow) scan. Together they guarantee that every
# cell calamine can see carries its own canonical r="…" with a column below CV (100) and a row
# at most 201,000, so the used range cannot exceed 99 × 201,000 cells.
_FAST_BAD_CELL = re.compile(
    rb'<c(?:[\t\n\r/>]| (?!r=")| r="(?:[A-Za-z]{3}|[D-Zd-z][A-Za-z]|[Cc][V-Zv-z]'
    rb"|[A-Za-z]{0,2}(?:\d{7}|[3-9]\d{5}|2[1-9]\d{4}|20[2-9]\d{3}|201\d{3})))"
)
_FAST_PREFIXED = re.compile(rb":(?:c|row|v|is|t|r|sheetData)[\t\n\r />]")
# calamine takes a cell's text from its <v> or from the first <t> of its <is>, gathering every
# piece of text up to the matching end tag, and joins the <t>s of rich text (<r>). Writers put
# one plain run of text there: that run's bytes bound the cell's characters. Anything else
# (rich text, markup or a mismatched end tag inside the run) goes to the exact scan.
_FAST_TEXT_OPEN = re.compile(rb"<(v|t)(?:[\t\n\r ][^<>]*?)?(?<!/)>")
# A run of text longer than a cell may hold, or one that does not end at its own end tag
# (_text_closed_in checks the last run of a part): one pass for both.
_FAST_LONG_OR_SPLIT_TEXT = re.compile(
    rb"<(v|t)(?:[\t\n\r ][^<>]*?)?(?<!/)>(?:[^<]{%d}|[^<]*<(?!/\1>))" % (MAX_CELL_CHARS + 1)
)
_FAST_RICH = re.compile(rb"<r[\t\n\r />]")
_FAST_ODD_SYNTAX = re.compile(rb"=(?:(?<=[\t\n\r ]=)|[\t\n\r '])")
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
        # Cut before the last '<' so no tag or text run is split between two passes, and
        # before a whole tag: the last run of text is checked against the tag after it.
        cut = buf.rfind(b"<")
        while cut > 0 and buf.find(b">", cut) < 0:
            cut = buf.rfind(b"<", 0, cut)
        if cut <= 0:
            scan.suspicious = len(buf) > 4 * CHUNK
            tail = buf
            continue
        tail = buf[cut:]
        _fast_part(scan, counts, buf[:cut], tail)
    if not scan.suspicious:
        _fast_part(scan, counts, tail)
    if counts[2] != counts[0] + counts[1]:
        scan.suspicious = True  # a second r="…" in a tag: calamine keeps the last one
    return scan


def _fast_part(scan: _FastSheetScan, counts: list[int], part: bytes, after: bytes = b"") -> None:
    # Each search is one pass at C speed; the odd-syntax one stops only at '=' signs.
    if (
        _FAST_ODD_SYNTAX.search(part)
        or _FAST_BAD_CELL.search(part)
        or _FAST_PREFIXED.search(part)
        or _FAST_LONG_OR_SPLIT_TEXT.search(part)
        or _FAST_RICH.search(part)
        or not _text_closed_in(part, after)
    ):
        scan.suspicious = True
        return
    cells = part.count(b'<c r="')
    counts[0] += cells
    counts[1] += part.count(b'<row r="')
    counts[2] += part.count(b' r="')
    scan.cells += cells


def _guard_xlsx_sheet(
    unzip: Unzipper,
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
    if scan.cells * max_span > MAX_TEXT_BYTES:
        text = _shared_text_bytes(unzip.chunks(info, count=False), spans)
        if text > MAX_TEXT_BYTES:
            raise UnusableFile(MSG_TEXT % {"sheet": label})


def _text_closed_in(part: bytes, after: bytes) -> bool:
    """The last run of `part` runs on into `after`: if it is a cell's text, `after` must start
    with its end tag (_FAST_LONG_OR_SPLIT_TEXT checks every other run)."""
    last = part.rfind(b"<")
    opened = _FAST_TEXT_OPEN.match(part, last) if last >= 0 else None
    if opened is None or not after:
        return True
    return after.startswith(b"</" + opened.group(1) + b">")


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
            if total > MAX_TEXT_BYTES:
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
        if total > MAX_TEXT_BYTES:
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
            raise UnusableFile(MSG_UNREADABLE)
        i += 1
        if col > 0xFFFFFFFF:
            raise _AbsurdRange
    for ch in ref[i:]:
        if not "0" <= ch <= "9":
            raise UnusableFile(MSG_UNREADABLE)
        row = row * 10 + ord(ch) - 48
        if row > 0xFFFFFFFF:
            raise _AbsurdRange
    if row == 0 or (need_column and col == 0):
        raise UnusableFile(MSG_UNREADABLE)
    return row - 1, col - 1


class _AbsurdRange(Exception):
    """Raised inside a scan; turned into the range message naming the sheet."""


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
    cell_text: int  # characters inside the open cell so far


def _exact_sheet_scan(chunks: Iterable[bytes], spans: array, label: str) -> None:
    """Walk the worksheet the way calamine's XlsxCellReader does and refuse absurd ranges or
    text volumes. Slow (one Python call per element), so only for sheets the fast scan flagged."""
    parser = expat_parser()
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
        "cell_text": 0,
    }
    vtext: list[str] = []

    def text(data: str) -> None:
        # All the text inside a cell, in the pieces expat hands over: an upper bound of what
        # calamine copies, refused at Excel's limit before any of it is held.
        st["cell_text"] += len(data)
        if st["cell_text"] > MAX_CELL_CHARS:
            raise UnusableFile(MSG_CELL_TEXT)
        if st["capture"]:
            vtext.append(data)

    def start(name: str, attrs: dict[str, str]) -> None:
        if st["done"]:
            return
        local = local_name(name)
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
            st["cell_text"] = 0
            parser.CharacterDataHandler = text

    def end(name: str) -> None:
        if st["done"] or not st["in_data"]:
            return
        cell = st["cell"]
        if cell is not None:
            if st["depth"] == 0:
                st["col"] += 1
                st["cell"] = None
                parser.CharacterDataHandler = None
                if cell[2]:
                    row, col = cell[0] + 1, cell[1] + 1
                    if row > st["max_row"]:
                        st["max_row"] = row
                    if col > st["max_col"]:
                        st["max_col"] = col
                        if col > MAX_COLUMNS:
                            raise _AbsurdRange
                    if row != st["last_filled"]:
                        st["last_filled"] = row
                        st["filled"] += 1
                        if st["filled"] > MAX_ROWS:
                            raise UnusableFile(MSG_ROWS % {"sheet": label})
                return
            if st["depth"] == 1 and st["capture"]:
                st["capture"] = False
                value = "".join(vtext)
                cost = first_span
                lead = _LEADING_INDEX.match(value.encode("utf-8", "replace"))
                if lead and int(lead.group(1)) < size:
                    cost = max(cost, spans[int(lead.group(1))])
                st["text"] += cost
                if st["text"] > MAX_TEXT_BYTES:
                    raise UnusableFile(MSG_TEXT % {"sheet": label})
            st["depth"] -= 1
            return
        local = local_name(name)
        if local == "row":
            st["row"] += 1
            st["col"] = 0
        elif local == "sheetData":
            st["done"] = True

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        feed(parser, chunks)
    except _AbsurdRange:
        raise UnusableFile(MSG_RANGE % {"sheet": label}) from None
    check_extent(label, st["max_row"], st["max_col"], st["filled"])
