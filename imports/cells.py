"""Normalise and parse raw spreadsheet cells (INTERFACES.md, "Spreadsheets people upload").

A reader hands over str, int, float, bool, date, datetime, time or None. Every parser returns a
clean Python value or raises ``ValidationError`` with a Chinese message that says how to fix the
cell; the import engine adds the row number and column.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.choices import (
    AMBIGUOUS_AWARD_LEVELS,
    AWARD_LEVEL_ALIASES,
    CONTRACT_TYPE_ALIASES,
    POLITICAL_STATUS_ALIASES,
    SKILL_LEVEL_ALIASES,
    AwardLevel,
    ContractType,
    PoliticalStatus,
    SkillLevel,
)
from core.text import normalise_text

# A character that survives normalise_text, so the cell is not blank. The apostrophe is
# Excel's text marker; a cell holding only that is empty.
_WHITESPACE = re.compile(r"\s+")
_VISIBLE = re.compile("[^\\s'\u200b-\u200d\u2060\ufeff\u00ad]")


def normalise_header(value: object) -> str:
    """Header cell → comparison key: no whitespace, no required-marker '*', no trailing colon.

    NFKC makes "所属村（社区）" and "所属村(社区)" equal (INTERFACES.md).
    """
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", normalise_text(value)))
    return text.strip("*").rstrip(":").strip("*")


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return _VISIBLE.search(value) is None
    return False  # numbers, dates and booleans are values


def parse_text(value: object, *, max_length: int, label: str) -> str:
    text = normalise_text(value)
    if len(text) > max_length:
        raise ValidationError(
            gettext("“%(label)s”最多%(max)s个字，现在有%(length)s个字，请删减后重新填写。")
            % {"label": label, "max": max_length, "length": len(text)},
            code="max_length",
        )
    return text


# Keys are casefolded normalise_text output.
_YES = frozenset({"是", "y", "yes", "true", "1", "1.0", "√", "✓", "✔", "对"})
_NO = frozenset({"否", "n", "no", "false", "0", "0.0", "×", "✗", "✘", "✕", "错"})


def parse_yes_no(value: object) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0, √/× and real boolean cells (INTERFACES.md)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = normalise_text(value).casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError(
        gettext("“%(value)s”无法识别，请填写“是”或“否”（也可以填 Y/N、1/0、√/×）。")
        % {"value": normalise_text(value)},
        code="yes_no",
    )


# Excel's 1900 date system counts 1900-02-29, a day that never was (serial 60), so serials from
# 61 on are days since 1899-12-30 and serials 1..59 are days since 1899-12-31.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_MIN_DATE = datetime.date(1900, 1, 1)
_MAX_DATE = datetime.date(2200, 12, 31)
_MAX_SERIAL = (_MAX_DATE - _EXCEL_EPOCH).days

_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME_SUFFIX)
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
# A CSV saved from a "General" column carries the bare serial, e.g. "45000".
_DATE_SERIAL_TEXT = re.compile(r"\d{5,6}(?:\.\d+)?")


def _date_error(label: str, value: object) -> ValidationError:
    return ValidationError(
        gettext(
            "“%(label)s”填写的“%(value)s”不是日期，请按 2023-01-05 的格式填写"
            "（也可以填 2023/1/5、2023.1.5、2023年1月5日 或 20230105）。"
        )
        % {"label": label, "value": normalise_text(value)},
        code="date",
    )


def _check_range(day: datetime.date, label: str) -> datetime.date:
    if not _MIN_DATE <= day <= _MAX_DATE:
        raise ValidationError(
            gettext("“%(label)s”的日期%(date)s不在1900年至2200年之间，请核对。")
            % {"label": label, "date": day.isoformat()},
            code="date_range",
        )
    return day


def _from_excel_serial(serial: float, label: str, value: object) -> datetime.date:
    whole = math.floor(serial)  # the fraction is the time of day
    if whole == _EXCEL_FAKE_LEAP_DAY:
        raise ValidationError(
            gettext("“%(label)s”是1900年2月29日，这一天并不存在，请核对。") % {"label": label},
            code="date_invalid",
        )
    if not 1 <= whole <= _MAX_SERIAL:
        raise _date_error(label, value)
    if whole < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + datetime.timedelta(days=whole + 1)
    return _EXCEL_EPOCH + datetime.timedelta(days=whole)


def _from_parts(year: str, month: str, day: str, label: str, value: object) -> datetime.date:
    try:
        result = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            gettext("“%(label)s”的日期“%(value)s”不存在（请核对年、月、日），请改正。")
            % {"label": label, "value": normalise_text(value)},
            code="date_invalid",
        ) from None
    return _check_range(result, label)


def parse_date(value: object, *, label: str) -> datetime.date:
    """Date cells, Excel serials and the text forms INTERFACES.md lists."""
    if isinstance(value, datetime.datetime):
        return _check_range(value.date(), label)
    if isinstance(value, datetime.date):
        return _check_range(value, label)
    if isinstance(value, bool) or value is None or isinstance(value, datetime.time):
        raise _date_error(label, value)
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if not math.isfinite(number):
            raise _date_error(label, value)
        # 20230105 typed into a number cell: far beyond any sensible serial, so unambiguous.
        if number.is_integer() and 10_000_000 <= number <= 99_999_999:
            match = _DATE_COMPACT.fullmatch(str(int(number)))
            if match:
                return _from_parts(match[1], match[2], match[3], label, value)
        return _check_range(_from_excel_serial(number, label, value), label)
    text = normalise_text(value)
    compact = _WHITESPACE.sub("", text)  # "2023 年 1 月 5 日" and "2023 - 1 - 5" happen too
    for candidate in (text, compact):
        match = _DATE_SEPARATED.fullmatch(candidate)
        if match:
            year, _separator, month, day = match.groups()
            return _from_parts(year, month, day, label, value)
    for pattern in (_DATE_CHINESE, _DATE_COMPACT):
        match = pattern.fullmatch(compact)
        if match:
            return _from_parts(match[1], match[2], match[3], label, value)
    if _DATE_SERIAL_TEXT.fullmatch(compact):
        return _check_range(_from_excel_serial(float(compact), label, value), label)
    raise _date_error(label, value)


CENT = Decimal("0.01")
# Fits DecimalField(max_digits=14, decimal_places=2); a bigger figure is a typo for this portal.
MAX_AMOUNT = Decimal("999999999999.99")
_AMOUNT_TEXT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_CURRENCY_PREFIXES = ("¥", "RMB", "CNY", "人民币")
_MINUS_SIGNS = ("-", "\u2212")


def _amount_error(label: str, value: object) -> ValidationError:
    return ValidationError(
        gettext(
            "“%(label)s”填写的“%(value)s”不是金额，"
            "请填写以元为单位的数字，如 1234567.89 或 1,234,567.89。"
        )
        % {"label": label, "value": normalise_text(value)},
        code="amount",
    )


def _amount_from_text(value: object, label: str) -> Decimal:
    # NFKC also folds the full-width comma and ￥ that Chinese input methods type in amounts.
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", normalise_text(value)))
    negative = False
    if text.startswith(_MINUS_SIGNS):
        negative, text = True, text[1:]
    for prefix in _CURRENCY_PREFIXES:
        if text.upper().startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.startswith(_MINUS_SIGNS):
        negative, text = True, text[1:]
    # Accounting format (1,234.00) is how Excel shows a negative number.
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = text.removesuffix("元").removeprefix("+")
    if not _AMOUNT_TEXT.fullmatch(text):
        raise _amount_error(label, value)
    amount = Decimal(text.replace(",", ""))
    return -amount if negative else amount


def parse_amount(value: object, *, label: str) -> Decimal:
    """Yuan with at most two decimals, exact (DOMAIN.md: no floats in money rules)."""
    if isinstance(value, bool) or value is None:
        raise _amount_error(label, value)
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _amount_error(label, value)
        # Excel keeps 15 significant digits; reading the float at that precision gives back the
        # number the user typed (1234567.89, not 1234567.8899999999) and turns =A1*0.08 noise
        # such as 98.76000000000001 into 98.76, without ever rounding away a real third decimal.
        amount = Decimal(format(value, ".15g"))
    elif isinstance(value, str):
        amount = _amount_from_text(value, label)
    else:
        raise _amount_error(label, value)
    if not amount.is_finite():
        raise _amount_error(label, value)
    if amount < 0:
        raise ValidationError(
            gettext("“%(label)s”不能是负数，请填写0或正数。") % {"label": label},
            code="amount_negative",
        )
    if amount > MAX_AMOUNT:
        raise ValidationError(
            gettext("“%(label)s”的金额%(amount)s过大，请核对单位是否为元。")
            % {"label": label, "amount": format(amount, "f")},
            code="amount_too_large",
        )
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(
            gettext(
                "“%(label)s”最多保留两位小数（到分），请改为“%(example)s”这样的金额后重新填写。"
            )
            % {
                "label": label,
                "example": format(amount.quantize(CENT, rounding=ROUND_HALF_UP), "f"),
            },
            code="amount_places",
        )
    return abs(amount).quantize(CENT)  # abs: "-0" is zero, not a negative amount


def _choice_key(value: object) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", normalise_text(value))).casefold()


def _choice_lookup(choices: type[models.TextChoices], aliases: Mapping[str, str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for alias, target in aliases.items():
        lookup[_choice_key(alias)] = str(target)
    for member in choices:
        lookup[_choice_key(member.value)] = member.value
        lookup[_choice_key(member.label)] = member.value
    # Users type the Chinese words whatever language the page is shown in; with translation
    # switched off, a lazy label gives back its Chinese source text.
    with translation.override(None):
        for member in choices:
            lookup[_choice_key(member.label)] = member.value
    return lookup


_BRACKETED = re.compile(r"(.+?)\((.+)\)")


def parse_choice(
    value: object,
    *,
    choices: type[models.TextChoices],
    aliases: Mapping[str, str],
    label: str,
) -> str:
    """Label, value or short form (INTERFACES.md) → the choice value; brackets may be full-width."""
    lookup = _choice_lookup(choices, aliases)
    key = _choice_key(value)
    if key in lookup:
        return lookup[key]
    # "初级(五级)": a name and a grade that both mean the same level are accepted together.
    match = _BRACKETED.fullmatch(key)
    if match:
        outer, inner = (lookup.get(part) for part in match.groups())
        if outer is not None and outer == inner:
            return outer
    allowed = "、".join(str(member.label) for member in choices)
    if not key:
        raise ValidationError(
            gettext("请填写“%(label)s”，可选：%(allowed)s。")
            % {"label": label, "allowed": allowed},
            code="required",
        )
    raise ValidationError(
        gettext("“%(label)s”不能填“%(value)s”，请从以下选项中选择：%(allowed)s。")
        % {"label": label, "value": normalise_text(value), "allowed": allowed},
        code="invalid_choice",
    )


def parse_skill_level(value: object) -> str:
    """职业技能等级; blank means no level (INTERFACES.md), returned as ""."""
    if is_blank(value):
        return ""
    return parse_choice(
        value, choices=SkillLevel, aliases=SKILL_LEVEL_ALIASES, label=gettext("职业技能等级")
    )


def parse_political_status(value: object) -> str:
    """政治面貌; blank is recorded as 群众 (INTERFACES.md)."""
    if is_blank(value):
        return PoliticalStatus.MASSES.value
    return parse_choice(
        value,
        choices=PoliticalStatus,
        aliases=POLITICAL_STATUS_ALIASES,
        label=gettext("政治面貌"),
    )


def parse_contract_type(value: object) -> str:
    """劳动合同类型; blank means not recorded, returned as ""."""
    if is_blank(value):
        return ""
    return parse_choice(
        value, choices=ContractType, aliases=CONTRACT_TYPE_ALIASES, label=gettext("劳动合同类型")
    )


_PHONE_EXTENSION = re.compile(r"(.+?)(?:转|分机|ext\.?|#)(\d{1,6})", re.IGNORECASE)
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_WITH_AREA = re.compile(r"0\d{9,11}")
_LOCAL_NUMBER = re.compile(r"[2-9]\d{6,7}")
_SERVICE_NUMBER = re.compile(r"[48]00\d{7}")


def _phone_error(value: object) -> ValidationError:
    return ValidationError(
        gettext(
            "电话号码“%(value)s”无法识别。手机号请填11位数字（如 13812345678），"
            "固定电话请带区号（如 0575-83012345），一格只填一个号码。"
        )
        % {"value": normalise_text(value)},
        code="phone",
    )


def parse_phone(value: object) -> str:
    """Mobile → 11 digits; landline → "0575-83012345"; +86 and separators dropped."""
    if type(value) is str and value.isascii() and _MOBILE.fullmatch(value):
        return value  # the common cell, already what the steps below would make of it
    if isinstance(value, bool):
        raise _phone_error(value)
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise _phone_error(value)
    text = normalise_text(value)
    extension = ""
    match = _PHONE_EXTENSION.fullmatch(text)
    if match:
        text, extension = match.groups()
    digits = _PHONE_SEPARATORS.sub("", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    else:
        if len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]
    if not digits.isascii() or not digits.isdigit():
        raise _phone_error(value)
    if _MOBILE.fullmatch(digits) and not extension:
        return digits
    if _LANDLINE_WITH_AREA.fullmatch(digits):
        # 010 and 020-029 are the only three-digit area codes; all others have four.
        area_length = 3 if digits[1] in "12" else 4
        area, local = digits[:area_length], digits[area_length:]
        if _LOCAL_NUMBER.fullmatch(local):
            number = f"{area}-{local}"
            return f"{number}转{extension}" if extension else number
    if _LOCAL_NUMBER.fullmatch(digits) or _SERVICE_NUMBER.fullmatch(digits):
        return f"{digits}转{extension}" if extension else digits
    raise _phone_error(value)


def parse_past_date(value: object, *, label: str) -> datetime.date:
    """A date that has happened: 开始日期, 发证日期, 举办日期 may not be in the future
    (INTERFACES.md)."""
    day = parse_date(value, label=label)
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            gettext("“%(label)s”%(date)s晚于今天（%(today)s），不能填写将来的日期，请核对。")
            % {"label": label, "date": day.isoformat(), "today": today.isoformat()},
            code="date_future",
        )
    return day


_YEAR_TEXT = re.compile(r"(\d{4})(?:\.0+)?(?:年度?)?")


def parse_year(value: object, *, first_year: int) -> int:
    """年度: 2025, 2025.0, "2025", "2025年", "2025年度", full-width digits too; from
    `first_year` to this year, never a year that has not begun (INTERFACES.md)."""
    if isinstance(value, bool):
        raise _year_error(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
    else:
        text = unicodedata.normalize("NFKC", normalise_text(value)).replace(" ", "")
    match = _YEAR_TEXT.fullmatch(text)
    if not match:
        raise _year_error(value)
    year = int(match.group(1))
    this_year = timezone.localdate().year
    if year > this_year:
        raise ValidationError(
            gettext("年度%(year)s晚于今年（%(this)s年），不能填写将来的年度，请核对。")
            % {"year": year, "this": this_year},
            code="year_future",
        )
    if year < first_year:
        raise ValidationError(
            gettext("年度%(year)s早于%(first)s年，请核对年份。")
            % {"year": year, "first": first_year},
            code="year_range",
        )
    return year


def _year_error(value: object) -> ValidationError:
    return ValidationError(
        gettext("年度“%(value)s”看不懂，请填写四位年份，如 2025。")
        % {"value": normalise_text(value)},
        code="year",
    )


def parse_award_level(value: object) -> str:
    """级别 of an honour or a competition (DOMAIN.md); a bare 市级 is ambiguous and refused."""
    key = _choice_key(value)
    if key in AMBIGUOUS_AWARD_LEVELS:
        raise ValidationError(
            gettext("级别“%(value)s”不明确：请写明是“绍兴市级”还是“嵊州市级”。")
            % {"value": normalise_text(value)},
            code="ambiguous_level",
        )
    return parse_choice(
        value, choices=AwardLevel, aliases=AWARD_LEVEL_ALIASES, label=gettext("级别")
    )


MAX_HOURS = Decimal(2000)
HOUR_STEP = Decimal("0.1")
_HOURS_TEXT = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def _hours_error(value: object) -> ValidationError:
    return ValidationError(
        gettext("学时“%(value)s”不是数字，请填写大于0、不超过2000的学时数，如 8 或 7.5。")
        % {"value": normalise_text(value)},
        code="hours",
    )


def parse_hours(value: object) -> Decimal:
    """学时: a number > 0 and ≤ 2000 with at most one decimal (DOMAIN.md), exact."""
    if isinstance(value, bool) or value is None:
        raise _hours_error(value)
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise _hours_error(value)
        # repr of a float is the shortest text that reads back the same: 7.5, not 7.4999…
        hours = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", normalise_text(value)))
        for suffix in ("学时", "课时", "小时"):
            text = text.removesuffix(suffix)
        if not _HOURS_TEXT.fullmatch(text):
            raise _hours_error(value)
        hours = Decimal(text)
    if not Decimal(0) < hours <= MAX_HOURS:
        raise ValidationError(
            gettext("学时%(value)s不在允许的范围内：应大于0且不超过2000。")
            % {"value": format(hours.normalize(), "f")},
            code="hours_range",
        )
    if hours != hours.quantize(HOUR_STEP, rounding=ROUND_DOWN):
        raise ValidationError(
            gettext("学时%(value)s最多保留一位小数，如 7.5，请改正。")
            % {"value": format(hours.normalize(), "f")},
            code="hours_places",
        )
    return hours.quantize(HOUR_STEP)


_CERTIFICATE_NUMBER = re.compile(r"[0-9A-Z\-_/]{4,40}")


def parse_certificate_number(value: object) -> str:
    """证书编号: trimmed, upper-case (DOMAIN.md); letters, digits and - _ / only."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", normalise_text(value))).upper()
    if not _CERTIFICATE_NUMBER.fullmatch(text):
        raise ValidationError(
            gettext(
                "证书编号“%(value)s”无法识别：应为4到40位字母或数字（可含 - _ /），请照证书填写。"
            )
            % {"value": normalise_text(value)[:60]},
            code="certificate_number",
        )
    return text
