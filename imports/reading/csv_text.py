"""CSV and tab-separated text (Excel's "Unicode text" export), already decoded."""

from __future__ import annotations

import csv
import io
import os

from imports.reading.limits import MAX_CELL_CHARS, MAX_ROWS, TEXT_PROBE
from imports.reading.messages import MSG_CELL_TEXT, MSG_CSV_ROWS, UnusableFile
from imports.reading.sheets import Sheet, keep_row


def read_csv(text: str, filename: str) -> Sheet:
    delimiter = _sniff_delimiter(text[:TEXT_PROBE])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            # The csv module's own field limit (131,072 characters, process-wide) bounds what
            # one field can cost before this check; Excel's cell limit is the rule.
            if max(map(len, record), default=0) > MAX_CELL_CHARS:
                raise UnusableFile(MSG_CELL_TEXT)
            cells: list[object] = [value if value != "" else None for value in record]
            row = keep_row(cells)
            if row is None:
                continue
            rows.append((number, row))
            if len(rows) > MAX_ROWS:
                raise UnusableFile(MSG_CSV_ROWS)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise UnusableFile(MSG_CELL_TEXT) from exc
        raise
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
