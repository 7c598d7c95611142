"""Text as people type it into spreadsheets and forms: one normal form for comparing and
storing (INTERFACES.md: full-width digits and letters, stray spaces, a leading apostrophe)."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal

# Characters that Word/WeChat copy-paste leaves behind and NFKC keeps; they are invisible in
# Excel but make "张三" and "张三\u200b" different people.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_WHITESPACE = re.compile(r"\s+")
# Anything _WHITESPACE.sub(" ") would change: a run of two, or one that is not a plain space.
_WHITESPACE_TO_COLLAPSE = re.compile(r"\s\s|[^\S ]")


# Full-width ASCII (Ｕ+FF01–FF5E) and the ideographic space fold to ASCII, except the Chinese
# punctuation that belongs in names and free text: （）：；，！？ stay as typed, so
# "嵊州市丙公司（更名）" is stored the way the enterprise writes it.
_KEEP_FULL_WIDTH = "（），：；！？"
_WIDTH_FOLD = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULL_WIDTH
}
_WIDTH_FOLD[0x3000] = 0x20
# Every character _WIDTH_FOLD or _INVISIBLE would change (and the few full-width ones kept).
_TO_FOLD_OR_DROP = re.compile("[\uff01-\uff5e\u3000\u200b-\u200d\u2060\ufeff\u00ad]")


def _format_float(value: float) -> str:
    if math.isfinite(value) and value.is_integer():
        return str(int(value))
    # repr is the shortest text that round-trips, so 1234567.89 stays "1234567.89".
    return repr(value)


def normalise_text(value: object) -> str:
    """Cell → clean text: full-width letters and digits folded, no invisible chars, one leading
    apostrophe dropped (INTERFACES.md).

    Text starting with = + - @ is kept as it is: it is data, never a formula.
    """
    if value is None:
        return ""
    if type(value) is str:  # the common case first: imports call this for every cell
        return _clean_str(value)
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):  # before date: datetime is a date subclass
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return _clean_str(str(value))


def _clean_str(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        # Most text (张三, 操作工) has nothing to fold or drop: one search instead of both.
        if _TO_FOLD_OR_DROP.search(text):
            text = _INVISIBLE.sub("", text.translate(_WIDTH_FOLD))
    text = text.strip()
    # Excel's "store as text" marker; only one, a second apostrophe is the user's own.
    if text.startswith("'"):
        text = text[1:].strip()
    # Printable text has no whitespace but plain spaces (str.isprintable excludes the rest):
    # then only a double space needs the regular expressions.
    if (not text.isprintable() or "  " in text) and _WHITESPACE_TO_COLLAPSE.search(text):
        text = _WHITESPACE.sub(" ", text)
    return text


def name_key(name: str) -> str:
    """A register name → comparison key: "城东社区（居委会）" and "城东社区 (居委会)" are one
    village (NFKC folds the brackets, whitespace is dropped)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", name))
