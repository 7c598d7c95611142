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

A large .xlsx is parsed by calamine in a forked child while this process pre-scans it
(`forked`): the child, bounded in memory, is killed unread when a check fails, and its rows are
taken only once every check has passed; calamine never runs on an unchecked file in the process
that serves.

The pre-scans mirror what calamine 0.37 actually does (self-closing cells carry no value, the last
`r` attribute wins, ODS repeats are capped at 16,384 columns …); where mirroring is uncertain they
err on the side of refusing. Cell values are returned raw; imports.cells normalises them.

The package follows the parsers: `detect` (loading, format detection), `csv_text`, `containers`
(zip checks, streaming unzip), `xlsx`, `ods`, `ole` (.xls), `sheets` (sheet choice and rows),
`forked` (calamine's parse in a child),
with the limits and the user-facing messages in `limits` and `messages`. The limits are read
where they are checked, so a test that changes one patches that module.
"""

from __future__ import annotations

import logging
import os
from typing import BinaryIO

from imports.reading import detect
from imports.reading.limits import MAX_DATA_ROWS, MAX_FILE_BYTES
from imports.reading.messages import MSG_TOO_MUCH, MSG_UNREADABLE, UnusableFile
from imports.reading.sheets import Sheet

__all__ = ["MAX_DATA_ROWS", "MAX_FILE_BYTES", "Sheet", "UnusableFile", "read_sheet"]

logger = logging.getLogger(__name__)


def read_sheet(
    source: str | os.PathLike | bytes | BinaryIO, *, filename: str, preferred_sheet: str
) -> Sheet:
    """Read the sheet INTERFACES.md says to read, or raise UnusableFile saying why not."""
    try:
        data = detect.load(source)
        return detect.read(data, filename, preferred_sheet)
    except UnusableFile:
        raise
    except MemoryError as exc:
        raise UnusableFile(MSG_TOO_MUCH) from exc
    except BaseException as exc:
        # Rust panics surface as pyo3's PanicException, a BaseException: they are parser
        # failures too. Only interpreter-level exits keep their meaning.
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        logger.warning("Unreadable upload %r", filename, exc_info=True)
        raise UnusableFile(MSG_UNREADABLE) from exc
