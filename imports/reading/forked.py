"""calamine's parse of a large workbook in a forked child, while this process pre-scans it.

For a 100,000-row .xlsx the pre-scan of the archive (xlsx._fast_scan) and calamine's parse each
take about a second. They cannot simply run side by side in one process: calamine must not see a
file before the pre-scan has cleared it (a bad allocation in Rust aborts the process, and a thread
cannot be stopped). So the parse runs in a child process that can be killed: the parent scans
the archive, and only once every check has passed does it take the child's rows; a file the
scans refuse is refused exactly as before and the child is killed unread. The child also runs
with a bound on the memory it may allocate, so what it does before it is killed stays small.

The child is only an earlier start. Whenever it cannot help (no fork on this platform, the
child failed, died, or sent something unexpected), the parent parses in-process after the
checks, as it always did, with the same results and the same errors.
"""

from __future__ import annotations

import datetime
import gc
import io
import itertools
import os
import pickle  # nosec B403 # only our own child's output, through _Unpickler's allow-list
import signal
from typing import IO, Any, NoReturn

from python_calamine import CalamineWorkbook

from imports.reading.messages import UnusableFile
from imports.reading.sheets import Sheet, calamine_rows, choose_sheet

# Parse in a child only when the parts calamine may read unzip to more than this (as declared;
# a lie only changes which path is taken): below it a fork costs more than it saves.
FORK_ABOVE_BYTES = 4 * 1024 * 1024

# What the child may allocate beyond what it had at fork time. The largest sheet the checks let
# through needs about 1.2 GB (MAX_CELLS cells of 32 bytes in calamine and about twice that as
# Python objects, MAX_TEXT_BYTES of text in each); a file the scans are about to refuse cannot
# take more than this before it is killed.
CHILD_DATA_BUDGET = 3 * 1024**3

# Rows per message: the pipe carries one slice while the next is pickled.
_ROWS_PER_MESSAGE = 5000

_CELL_CLASSES = frozenset({"date", "datetime", "time", "timedelta"})


class _Unpickler(pickle.Unpickler):
    """The child's messages hold only plain values and the datetime types calamine gives."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _CELL_CLASSES:
            return getattr(datetime, name)
        raise pickle.UnpicklingError("%s.%s" % (module, name))


class ForkedParse:
    """A child parsing `data` with calamine; `metadata()` then `sheet()` take its results."""

    def __init__(self, pid: int, stream: IO[bytes]) -> None:
        self._pid = pid
        self._stream = stream
        self._names: tuple[str, list[str], list[str]] | None = None
        self._finished = False
        self.peak_rss_kb = 0  # the child's own peak, once it has been reaped

    @classmethod
    def start(cls, data: bytes, preferred: str, unzipped_bytes: int) -> ForkedParse | None:
        """Fork the child, or None when the file is small or this platform cannot fork."""
        if unzipped_bytes <= FORK_ABOVE_BYTES or not hasattr(os, "fork"):
            return None
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: it leaves through os._exit
            os.close(read_end)
            _child(write_end, data, preferred)
        os.close(write_end)
        return cls(pid, os.fdopen(read_end, "rb"))

    def metadata(self) -> tuple[str, list[str], list[str]] | None:
        """(chosen sheet, hidden sheets, other visible sheets) as choose_sheet gives them, its
        refusal raised here, or None when the child cannot tell (parse in-process instead)."""
        message = self._receive()
        if message is None:
            return None
        if message[0] == "refused":
            raise UnusableFile(message[1])
        if message[0] == "sheet" and len(message) == 4:
            chosen, hidden, others = message[1:]
            if isinstance(chosen, str) and isinstance(hidden, list) and isinstance(others, list):
                self._names = (chosen, hidden, others)
                return self._names
        return None

    def sheet(self) -> Sheet | None:
        """The rows sheet_from_calamine would give, its refusal raised here, or None when the
        child cannot give them (parse in-process instead)."""
        if self._names is None:
            return None
        rows: list[tuple[int, list[object]]] = []
        while True:
            message = self._receive()
            if message is None:
                return None
            if message[0] == "refused":
                raise UnusableFile(message[1])
            if message == ("end", len(rows)):
                break
            if message[0] != "rows" or len(message) != 2 or not _are_rows(message[1]):
                return None
            rows += message[1]
        self._finished = True
        chosen, hidden, others = self._names
        return Sheet(name=chosen, rows=rows, hidden_sheets=hidden, other_visible_sheets=others)

    def close(self) -> None:
        """Kill the child unless it has sent everything, and reap it."""
        self._stream.close()
        if not self._finished:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:  # already gone
                pass
        try:
            _pid, _status, usage = os.wait4(self._pid, 0)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored)
            return
        self.peak_rss_kb = usage.ru_maxrss

    def _receive(self) -> tuple[Any, ...] | None:
        try:
            message = _Unpickler(self._stream).load()  # nosec B301 # allow-listed classes
        except Exception:  # a child that died or misbehaved: parse in-process
            return None
        if isinstance(message, tuple) and message and isinstance(message[0], str):
            if message[0] != "refused" or (len(message) == 2 and isinstance(message[1], str)):
                return message
        return None


def _are_rows(value: object) -> bool:
    """(Excel row number, cells) pairs, as calamine_rows yields them."""
    return isinstance(value, list) and all(
        type(row) is tuple and len(row) == 2 and type(row[0]) is int and type(row[1]) is list
        for row in value
    )


def _child(fd: int, data: bytes, preferred: str) -> NoReturn:
    """Parse and send ("sheet", chosen, hidden, others), then ("rows", some rows) until
    ("end", how many rows), or ("refused", message) for a refusal of choose_sheet or
    calamine_rows. On anything else it stops sending: the parent parses in-process."""
    code = 1
    try:
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)  # not the parent's handlers (Celery, gunicorn)
        gc.disable()  # the rows are acyclic; a collection would only walk them
        _limit_data()
        with os.fdopen(fd, "wb") as out:

            def send(*message: object) -> None:
                pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

            try:
                workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
                names = choose_sheet(workbook.sheets_metadata, preferred)
                send("sheet", *names)
                out.flush()
                # In slices, each freed once sent: the parent's copy grows as this one shrinks.
                rows = calamine_rows(workbook, names[0])
                sent = 0
                while chunk := list(itertools.islice(rows, _ROWS_PER_MESSAGE)):
                    send("rows", chunk)
                    sent += len(chunk)
                    del chunk
                send("end", sent)
            except UnusableFile as exc:
                send("refused", exc.message)
        code = 0
    finally:
        os._exit(code)


def _limit_data() -> None:
    """Bound the child's heap (and anonymous mappings: Linux counts them in RLIMIT_DATA)."""
    import resource  # POSIX only, like fork: imported where it is used

    try:
        with open("/proc/self/status", "rb") as status:
            line = next(line for line in status if line.startswith(b"VmData:"))
        used = int(line.split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        used = 0
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = used + CHILD_DATA_BUDGET
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
