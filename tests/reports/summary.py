"""Reading the 汇总 sheet in tests: it names each figure in Chinese only (issue 16), so a row is
found by its label."""

from collections.abc import Iterable
from typing import Any

from reports.selectors import FIGURE_LABELS

KEYS = {str(label): key for key, label in FIGURE_LABELS.items()}


def summary_by_key(rows: Iterable[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    """The sheet's rows by figure key, each as (label, key, 本期, 上期, 变化, 目标, …): the key put
    back after the label, where these tests read it before the sheet lost its code column."""
    return {
        KEYS[row[0]]: (row[0], KEYS[row[0]], *row[1:])
        for row in rows
        if row and isinstance(row[0], str) and row[0] in KEYS
    }
