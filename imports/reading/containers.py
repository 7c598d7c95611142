"""Zip containers (.xlsx, .ods): zip-bomb checks from the central directory, a streaming
unzipper that counts the bytes that really come out, and the XML parser set-up the scans share."""

from __future__ import annotations

import copy
import struct
import zipfile
from collections.abc import Iterable, Iterator
from xml.parsers import expat

from imports.reading.limits import (
    CHUNK,
    MAX_PENDING_XML,
    MAX_RATIO,
    MAX_SMALL_PART,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_CHECKED_ABOVE,
)
from imports.reading.messages import (
    MSG_BOMB,
    MSG_ENCRYPTED,
    MSG_ENTRIES,
    MSG_UNREADABLE,
    UnusableFile,
)


def check_zip_directory(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Zip-bomb checks that need no decompression: entry count, declared sizes, ratios."""
    if len(infos) > MAX_ZIP_ENTRIES or _declared_entry_count(data) > MAX_ZIP_ENTRIES:
        raise UnusableFile(MSG_ENTRIES)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnusableFile(MSG_ENCRYPTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnusableFile(MSG_UNREADABLE)  # calamine's zip reader only inflates
        total += info.file_size
        if info.file_size > RATIO_CHECKED_ABOVE and (
            info.compress_size <= 0 or info.file_size > MAX_RATIO * info.compress_size
        ):
            raise UnusableFile(MSG_BOMB)
    if total > MAX_UNZIPPED_BYTES:
        raise UnusableFile(MSG_BOMB)


def _declared_entry_count(data: bytes) -> int:
    """Entry count the end-of-central-directory records claim (the Rust reader sizes by it)."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if pos < 0 or pos + 22 > len(data):
        raise UnusableFile(MSG_UNREADABLE)
    on_disk, total = struct.unpack_from("<HH", data, pos + 8)
    count = max(on_disk, total)
    locator = pos - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
            count = max(count, *struct.unpack_from("<QQ", data, offset + 24))
    return count


class Unzipper:
    """Streams entries counting the bytes that really come out, never the declared sizes."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.total = 0

    def chunks(self, info: zipfile.ZipInfo, *, count: bool = True) -> Iterator[bytes]:
        # zipfile stops at the declared size; letting it go further shows an entry that lies.
        probe = copy.copy(info)
        probe.file_size = info.file_size + 2 * CHUNK
        seen = 0
        with self.zf.open(probe) as fh:
            while chunk := fh.read(CHUNK):
                seen += len(chunk)
                if count:
                    self.total += len(chunk)
                if seen > info.file_size or self.total > MAX_UNZIPPED_BYTES:
                    raise UnusableFile(MSG_BOMB)
                yield chunk

    def read(self, info: zipfile.ZipInfo, limit: int = MAX_SMALL_PART) -> bytes:
        if info.file_size > limit:
            raise UnusableFile(MSG_UNREADABLE)
        return b"".join(self.chunks(info))

    def drain(self, info: zipfile.ZipInfo) -> None:
        for _ in self.chunks(info):
            pass


def expat_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()

    def refuse_dtd(*_args: object) -> None:
        # No spreadsheet part has a DTD; entities would let expat and calamine see different text.
        raise UnusableFile(MSG_UNREADABLE)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    return parser


def feed(parser: expat.XMLParserType, chunks: Iterable[bytes]) -> None:
    fed = 0
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            fed += len(chunk)
            # What expat has not parsed yet is one unfinished token that it buffers whole: a tag,
            # comment or reference of megabytes is never what a spreadsheet writer produces.
            if fed - max(parser.CurrentByteIndex, 0) > MAX_PENDING_XML:
                raise UnusableFile(MSG_UNREADABLE)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnusableFile(MSG_UNREADABLE) from exc


def local_name(name: str) -> str:
    # quick-xml's local name: everything after the first colon.
    return name.partition(":")[2] if ":" in name else name
