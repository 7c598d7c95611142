"""Resident ID numbers (居民身份证号) and enterprise codes (统一社会信用代码), per DOMAIN.md.

Both are parsed from what people actually upload: full-width digits, stray spaces, lower-case x,
and numbers that Excel has already mangled into floats. Messages are Chinese and say how to fix.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc

from core.choices import Sex
from core.text import normalise_text

_WHITESPACE = re.compile(r"\s+")
# What Excel shows for a long number in a "General" cell, or what a CSV export writes for it.
_NUMERIC_TEXT = re.compile(r"\d+(?:\.\d+)?E[+-]?\d+|\d+\.\d+")
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_EARLIEST_BIRTH_YEAR = 1900
# A birth date before this day is in the past whatever the clock says (it is long gone).
_LONG_PAST = datetime.date(2020, 1, 1)
_MALE, _FEMALE = Sex.MALE.value, Sex.FEMALE.value
# GB 32100-2015: registration authority and type, 6-digit region, 9-char organisation code and
# check character, from the alphabet without I, O, S, V and Z.
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


@dataclass(frozen=True)
class ResidentId:
    number: str  # 18 chars, upper-case X
    birth_date: datetime.date
    sex: str  # core.choices.Sex value

    @classmethod
    def of_checked(cls, number: str) -> ResidentId:
        """The parsed form of a number parse_resident_id has accepted before (a preview's
        staged rows): its birth date and sex are in the number itself."""
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return cls(number=number, birth_date=birth_date, sex=_sex_of(number))


def _sex_of(number: str) -> str:
    """The 17th digit is the sequence code's last digit: odd for men, even for women."""
    return _MALE if int(number[16]) % 2 else _FEMALE


def _compact(value: object) -> str:
    """Cell → candidate code: NFKC (full-width → ASCII), no whitespace at all, upper case."""
    return _WHITESPACE.sub("", normalise_text(value)).upper()


def _is_numeric_cell(value: object) -> bool:
    # bool is an int subclass but a TRUE cell is not a mangled number.
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _id_stored_as_number() -> ValidationError:
    return ValidationError(
        gettext("身份证号被 Excel 存成了数字，后几位已丢失。请把该列设置为“文本”格式后重新输入。"),
        code="numeric_cell",
    )


def parse_resident_id(value: object, *, today: datetime.date | None = None) -> ResidentId:
    """Check an ID number as DOMAIN.md requires; birth date and sex come from the number.

    The region code is never checked: python-stdnum's ``cn.ric.validate`` rejects codes that did
    not exist in the birth year (330683 嵊州市 dates from 1995, stdnum issue #442), but codes are
    assigned when the number is issued, so only the check character and birth date count.
    """
    if type(value) is str and value.isascii() and _RESIDENT_ID.fullmatch(value):
        number = value  # already what _compact makes of it: the common cell, checked below
    else:
        number = _resident_id_shape(value)
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(gettext("身份证号校验位错误，请核对号码。"), code="checksum")
    try:
        # What stdnum's ric.get_birth_date does, minus its re-compaction of a number that is
        # compact already (a tenth of a 100,000-row roster's parse time).
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            gettext("身份证号中的出生日期“%(digits)s”不存在，请核对号码。")
            % {"digits": number[6:14]},
            code="birth_date",
        ) from None
    if birth_date.year < _EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            gettext("身份证号中的出生日期%(date)s早于1900年，请核对号码。")
            % {"date": birth_date.isoformat()},
            code="birth_date_too_early",
        )
    if today is not None:
        future = birth_date > today
    elif birth_date < _LONG_PAST:
        future = False  # most workers: no clock needs reading
    else:
        # The cheap system date first: the precise local date is needed only near today.
        near_today = birth_date >= datetime.date.today() - datetime.timedelta(days=2)
        future = near_today and birth_date > timezone.localdate()
    if future:
        raise ValidationError(
            gettext("身份证号中的出生日期%(date)s还没到，请核对号码。")
            % {"date": birth_date.isoformat()},
            code="birth_date_future",
        )
    return ResidentId(number=number, birth_date=birth_date, sex=_sex_of(number))


def _resident_id_shape(value: object) -> str:
    """Cell → an 18-character number of digits (last may be X), or the message that says why
    the cell is not one."""
    if _is_numeric_cell(value):
        raise _id_stored_as_number()
    number = _compact(value)
    if not number:
        raise ValidationError(gettext("请填写18位身份证号。"), code="required")
    if _NUMERIC_TEXT.fullmatch(number):
        raise _id_stored_as_number()
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            gettext("这是15位的旧身份证号，已停止使用。请填写18位的新身份证号（见居民身份证）。"),
            code="old_15_digit",
        )
    if len(number) != 18:
        raise ValidationError(
            gettext("身份证号应为18位，现在是%(length)s位，请核对后重新填写。")
            % {"length": len(number)},
            code="length",
        )
    if not _RESIDENT_ID.fullmatch(number):
        raise ValidationError(
            gettext("身份证号只能由数字组成，最后一位可以是X，请核对后重新填写。"),
            code="format",
        )
    return number


def validate_resident_id(value: str) -> None:
    parse_resident_id(value)


# GB 32100-2015 as amended: the registering authority may be a letter (A 中央军委, N 农业 for
# village collective economic organisations, Y 其他), which python-stdnum's validate refuses.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_LETTER_AUTHORITY = re.compile(rf"[{_USCC_ALPHABET}]{{2}}\d{{6}}[{_USCC_ALPHABET}]{{10}}")


def _uscc_format_error() -> ValidationError:
    return ValidationError(
        gettext(
            "统一社会信用代码只能由数字和大写字母组成（不使用 I、O、Z、S、V），"
            "第3至8位必须是数字，请对照营业执照核对。"
        ),
        code="format",
    )


def _uscc_checksum_error() -> ValidationError:
    return ValidationError(
        gettext("统一社会信用代码校验位错误，请对照营业执照核对号码。"), code="checksum"
    )


def parse_uscc(value: object) -> str:
    """Check a USCC's length, characters and GB 32100-2015 check character; return it compact."""
    if _is_numeric_cell(value):
        raise ValidationError(
            gettext(
                "统一社会信用代码被 Excel 存成了数字，后几位已丢失。"
                "请把该列设置为“文本”格式后重新输入。"
            ),
            code="numeric_cell",
        )
    code = _compact(value).replace("-", "")
    if not code:
        raise ValidationError(gettext("请填写18位统一社会信用代码。"), code="required")
    if _NUMERIC_TEXT.fullmatch(code):
        raise ValidationError(
            gettext(
                "统一社会信用代码被 Excel 存成了数字，后几位已丢失。"
                "请把该列设置为“文本”格式后重新输入。"
            ),
            code="numeric_cell",
        )
    if _USCC_SHAPE.fullmatch(code):
        # The common case without stdnum's repeated compaction (register imports are large).
        if uscc.calc_check_digit(code[:-1]) != code[-1]:
            raise _uscc_checksum_error()
        return code
    try:
        return uscc.validate(code)
    except stdnum_exceptions.InvalidLength:
        if len(code) == 15 and code.isdigit():
            message = gettext("这是15位的旧工商注册号，请填写营业执照上18位的统一社会信用代码。")
        else:
            message = gettext(
                "统一社会信用代码应为18位，现在是%(length)s位，请对照营业执照核对。"
            ) % {"length": len(code)}
        raise ValidationError(message, code="length") from None
    except stdnum_exceptions.InvalidFormat:
        if not _USCC_LETTER_AUTHORITY.fullmatch(code):
            raise _uscc_format_error() from None
        if uscc.calc_check_digit(code) != code[-1]:
            raise _uscc_checksum_error() from None
        return code
    except stdnum_exceptions.InvalidChecksum:
        raise _uscc_checksum_error() from None
    except stdnum_exceptions.ValidationError:  # InvalidComponent and anything newer
        raise _uscc_format_error() from None


def validate_uscc(value: str) -> None:
    parse_uscc(value)


def mask_id_number(number: str | None) -> str:
    """ "330683**********3X": the region code and the last 2 only (PIPL: sensitive personal
    information). The birth date (digits 7-14) is hidden: with it the rest is guessable."""
    text = number or ""
    if len(text) < 15:
        # Not a whole ID number: showing both ends would give most of it away.
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 8) + text[-2:]


def mask_phone(phone: str | None) -> str:
    """ "138****5678" for a mobile; any other number shows only its last 4 characters."""
    text = phone or ""
    if len(text) == 11 and text.isdigit() and text.startswith("1"):
        return text[:3] + "****" + text[-4:]
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]
