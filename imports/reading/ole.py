"""OLE2 containers (.xls, encrypted .xlsx): a validating compound-file read, then the BIFF
records of every sheet calamine will load when it opens the workbook."""

from __future__ import annotations

import io
import struct
from array import array
from collections.abc import Iterator

from python_calamine import CalamineWorkbook, PasswordError

from imports.reading.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_TEXT_BYTES
from imports.reading.messages import (
    MSG_CELL_TEXT,
    MSG_ENCRYPTED,
    MSG_MACRO,
    MSG_NOT_SPREADSHEET,
    MSG_RANGE,
    MSG_TEXT,
    MSG_UNREADABLE,
    MSG_WORD,
    SHEET_NUMBER,
    UnusableFile,
)
from imports.reading.sheets import Sheet, choose_sheet, sheet_from_calamine

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
            raise UnusableFile(MSG_UNREADABLE)
        self.data = data
        (version,) = struct.unpack_from("<H", data, 26)
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6 or (shift == 12 and len(data) < 4096):
            raise UnusableFile(MSG_UNREADABLE)
        self.size = 1 << shift
        self.max_id = len(data) // self.size
        fat_len, dir_start = struct.unpack_from("<II", data, 44)
        mini_fat_start, mini_fat_len, difat_start = struct.unpack_from("<III", data, 60)
        (odd_capacity,) = struct.unpack_from("<I", data, 62)  # calamine reserves this many u32
        if fat_len > self.max_id + 1 or odd_capacity > 1 << 26:
            raise UnusableFile(MSG_UNREADABLE)

        difat = list(struct.unpack_from("<109I", data, 76))
        sector_id, seen = difat_start, set()
        while sector_id < _FIRST_RESERVED:
            if sector_id in seen or sector_id > self.max_id:
                raise UnusableFile(MSG_UNREADABLE)
            seen.add(sector_id)
            difat.extend(self._words(self._sector(sector_id)))
            sector_id = difat.pop()
        self.fat = array("I")
        for sector_id in difat:
            if sector_id < _DIFSECT:
                if sector_id > self.max_id:
                    raise UnusableFile(MSG_UNREADABLE)
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
            raise UnusableFile(MSG_UNREADABLE)
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
            raise UnusableFile(MSG_UNREADABLE)  # calamine would read past the mini stream
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
                raise UnusableFile(MSG_UNREADABLE)
            seen.add(sector_id)
            chunk = read(sector_id)
            if limit is not None:
                out += chunk[: limit - len(out)]
                if len(out) >= limit:
                    break
            else:
                out += chunk
            if sector_id >= len(fat):
                raise UnusableFile(MSG_UNREADABLE)
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


def read_ole(data: bytes, preferred: str) -> Sheet:
    try:
        cfb = _Cfb(data)
    except UnusableFile:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnusableFile(MSG_ENCRYPTED) from None
        raise
    names = cfb.names()
    if names & _ENCRYPTION_STREAMS:
        raise UnusableFile(MSG_ENCRYPTED)
    stream = None
    for candidate in _WORKBOOK_STREAMS:
        stream = cfb.stream(candidate)
        if stream is not None:
            break
    if stream is None:
        if "WordDocument" in names:
            raise UnusableFile(MSG_WORD)
        raise UnusableFile(MSG_NOT_SPREADSHEET)
    if names & _MACRO_STORAGES:
        raise UnusableFile(MSG_MACRO)
    _scan_biff(stream)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise UnusableFile(MSG_ENCRYPTED) from exc
    chosen, hidden, others = choose_sheet(workbook.sheets_metadata, preferred)
    return sheet_from_calamine(workbook, chosen, hidden, others)


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
            raise UnusableFile(MSG_UNREADABLE)
        cch, flags = struct.unpack_from("<HB", stream, pos)
        pos += 3
        if cch > MAX_CELL_CHARS:
            # BIFF8 caps a string at 65,535 characters, so memory is bounded either way; Excel
            # itself never writes more than a cell holds.
            raise UnusableFile(MSG_CELL_TEXT)
        runs = extra = 0
        if flags & 0x8:
            if stop - pos < 2:
                raise UnusableFile(MSG_UNREADABLE)
            (runs,) = struct.unpack_from("<H", stream, pos)
            pos += 2
        if flags & 0x4:
            if stop - pos < 4:
                raise UnusableFile(MSG_UNREADABLE)
            (extra,) = struct.unpack_from("<i", stream, pos)
            pos += 4
            if extra < 0:
                raise UnusableFile(MSG_UNREADABLE)
        wide = flags & 0x1
        remaining = cch
        while remaining > 0:
            width = 2 if wide else 1
            take = min(remaining, (stop - pos) // width)
            pos += take * width
            remaining -= take
            if remaining > 0:
                if not next_segment() or pos >= stop:
                    raise UnusableFile(MSG_UNREADABLE)
                wide = stream[pos] & 0x1
                pos += 1
        skip = runs * 4 + extra
        while skip > 0:
            if pos >= stop and not next_segment():
                raise UnusableFile(MSG_UNREADABLE)
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
            raise UnusableFile(MSG_ENCRYPTED)
        if typ == 0x0085 and end - begin >= 4:
            name = _biff_sheet_name(stream[begin + 6 : end])
            if not name:
                name = SHEET_NUMBER % {"number": len(sheets) + 1}
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
            if total_cells > MAX_CELLS:
                raise UnusableFile(MSG_RANGE % {"sheet": label})
            if total_text > MAX_TEXT_BYTES:
                raise UnusableFile(MSG_TEXT % {"sheet": label})


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
                    if text > MAX_TEXT_BYTES:
                        raise UnusableFile(MSG_TEXT % {"sheet": label})
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
    if max_col + 1 > MAX_COLUMNS:
        raise UnusableFile(MSG_RANGE % {"sheet": label})
    cells = (max_row - min_row + 1) * (max_col - min_col + 1)
    if cells > MAX_CELLS:
        raise UnusableFile(MSG_RANGE % {"sheet": label})
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
        raise UnusableFile(MSG_RANGE % {"sheet": label})
