"""Loading an upload and telling its format from its content, never from its extension."""

from __future__ import annotations

import io
import os
import zipfile
from typing import BinaryIO

from imports.reading.containers import Unzipper, check_zip_directory
from imports.reading.csv_text import read_csv
from imports.reading.limits import MAX_FILE_BYTES, TEXT_PROBE
from imports.reading.messages import (
    MSG_EMPTY,
    MSG_ENCODING,
    MSG_HTML,
    MSG_MACRO,
    MSG_NOT_FOUND,
    MSG_NOT_SPREADSHEET,
    MSG_PDF,
    MSG_TOO_BIG,
    MSG_UNREADABLE,
    MSG_WORD,
    MSG_XLSB,
    MSG_XML2003,
    UnusableFile,
)
from imports.reading.ods import read_ods
from imports.reading.ole import read_ole
from imports.reading.sheets import Sheet
from imports.reading.xlsx import read_xlsx


def load(source: str | os.PathLike | bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        try:
            size = os.stat(source).st_size
        except FileNotFoundError as exc:
            raise UnusableFile(MSG_NOT_FOUND % {"path": os.fspath(source)}) from exc
        if size > MAX_FILE_BYTES:
            raise UnusableFile(MSG_TOO_BIG)
        with open(source, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    else:
        try:
            source.seek(0)
        except (AttributeError, OSError, ValueError):
            pass  # not seekable: read from where it is
        data = source.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes | bytearray):
            raise UnusableFile(MSG_UNREADABLE)
        data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(MSG_TOO_BIG)
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


def read(data: bytes, filename: str, preferred: str) -> Sheet:
    if not data:
        raise UnusableFile(MSG_EMPTY)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_zip(data, preferred)
    if data.startswith(_OLE_MAGIC):
        return read_ole(data, preferred)
    if data.startswith(b"%PDF"):
        raise UnusableFile(MSG_PDF)
    if data.startswith(_BINARY_MAGICS):
        raise UnusableFile(MSG_NOT_SPREADSHEET)
    text = _decode_text(data)
    probe = text[:TEXT_PROBE].lstrip("\ufeff \t\r\n").lower()
    if probe.startswith(_HTML_STARTS) or "<table" in probe:
        raise UnusableFile(MSG_HTML)
    if probe.startswith("mime-version:") and "text/html" in probe:
        raise UnusableFile(MSG_HTML)  # "single file web page" (.mht) saved as .xls
    if probe.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in probe or "excel.sheet" in probe:
            raise UnusableFile(MSG_XML2003)
        raise UnusableFile(MSG_NOT_SPREADSHEET)
    return read_csv(text, filename)


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab separated.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnusableFile(MSG_NOT_SPREADSHEET) from exc
    if b"\x00" in data[:TEXT_PROBE]:
        raise UnusableFile(MSG_NOT_SPREADSHEET)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise UnusableFile(MSG_ENCODING) from exc


# Which kind of zip container it is. The dispatch lives here rather than in containers, which
# the .xlsx and .ods parsers build on, so that the imports stay one-way.

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _read_zip(data: bytes, preferred: str) -> Sheet:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise UnusableFile(MSG_UNREADABLE) from exc
    check_zip_directory(data, infos)
    # calamine looks parts up case-insensitively with "\" read as "/".
    index: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.replace("\\", "/").lower()
        if key in index:
            raise UnusableFile(MSG_UNREADABLE)  # two parts with one name: parsers may disagree
        index[key] = info
    unzip = Unzipper(zf)

    is_xlsx = "[content_types].xml" in index and "xl/workbook.xml" in index
    is_ods = False
    if "mimetype" in index:
        is_ods = unzip.read(index["mimetype"], 1024).strip().startswith(_ODS_MIMETYPE)
    if is_xlsx and is_ods:
        raise UnusableFile(MSG_UNREADABLE)
    if "xl/workbook.bin" in index and not is_xlsx:
        raise UnusableFile(MSG_XLSB)
    if is_xlsx:
        if any(k.endswith("vbaproject.bin") or k.startswith("xl/macrosheets/") for k in index):
            raise UnusableFile(MSG_MACRO)
        return read_xlsx(data, index, unzip, preferred)
    if is_ods:
        if "_rels/.rels" in index:
            raise UnusableFile(MSG_UNREADABLE)  # calamine would try it as .xlsx first
        return read_ods(data, index, unzip, preferred)
    if "word/document.xml" in index:
        raise UnusableFile(MSG_WORD)
    raise UnusableFile(MSG_NOT_SPREADSHEET)
