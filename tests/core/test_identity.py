"""Resident ID numbers and USCCs as users upload them (DOMAIN.md, INTERFACES.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from core.choices import Sex
from core.identity import (
    ResidentId,
    mask_id_number,
    mask_phone,
    parse_resident_id,
    parse_uscc,
    validate_resident_id,
    validate_uscc,
)

TODAY = datetime.date(2026, 6, 30)


def make_id(region: str, birth: datetime.date, sequence: int) -> str:
    """An 18-digit number with a correct check character, computed by python-stdnum."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    # calc_check_digit expects the number *with* a check position and ignores that last char.
    return body + ric.calc_check_digit(body + "0")


def make_id_ending_in_x() -> str:
    for sequence in range(1000):
        number = make_id("330683", datetime.date(1985, 7, 1), sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives check character X")


def make_uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def error_of(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


class TestResidentId:
    def test_shengzhou_number_born_before_the_county_existed_is_accepted(self):
        # 330683 嵊州市 exists since 1995; stdnum's validate() refuses this (issue #442).
        number = make_id("330683", datetime.date(1970, 3, 15), 123)
        assert not ric.is_valid(number)

        result = parse_resident_id(number, today=TODAY)

        assert result == ResidentId(
            number=number, birth_date=datetime.date(1970, 3, 15), sex=Sex.MALE
        )

    def test_unknown_region_code_is_not_refused(self):
        number = make_id("999999", datetime.date(1990, 1, 1), 2)
        assert parse_resident_id(number, today=TODAY).birth_date == datetime.date(1990, 1, 1)

    @pytest.mark.parametrize(("sequence", "sex"), [(123, "M"), (124, "F"), (1, "M"), (0, "F")])
    def test_sex_comes_from_the_17th_digit(self, sequence, sex):
        number = make_id("330683", datetime.date(1992, 5, 20), sequence)
        assert parse_resident_id(number, today=TODAY).sex == sex

    def test_lower_case_x_is_read_as_upper_case(self):
        number = make_id_ending_in_x()
        result = parse_resident_id(number.lower(), today=TODAY)
        assert result.number == number
        assert result.number.endswith("X")

    def test_full_width_digits_spaces_and_apostrophe_are_normalised(self):
        number = make_id_ending_in_x()
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[:-1]) + "ｘ"
        messy = "'\u3000" + full_width[:6] + " " + full_width[6:] + " \u200b"
        assert parse_resident_id(messy, today=TODAY).number == number

    def test_wrong_check_character_is_refused(self):
        number = make_id("330683", datetime.date(1990, 1, 1), 5)
        wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
        error = error_of(parse_resident_id, wrong, today=TODAY)
        assert error.code == "checksum"
        assert "校验位错误，请核对号码" in message_of(error)

    def test_fifteen_digit_old_number_is_refused_as_such(self):
        error = error_of(parse_resident_id, "330683900101123", today=TODAY)
        assert error.code == "old_15_digit"
        assert "15位" in message_of(error)
        assert "18位" in message_of(error)

    @pytest.mark.parametrize(
        "cell", [3.30683199005034e17, 330683199005034512, 330683199005034512.0]
    )
    def test_numeric_cell_is_refused_with_text_format_advice(self, cell):
        error = error_of(parse_resident_id, cell, today=TODAY)
        assert error.code == "numeric_cell"
        assert "存成了数字" in message_of(error)
        assert "“文本”格式" in message_of(error)

    @pytest.mark.parametrize("text", ["3.30683199005034E+17", "3.30683199005034e+17"])
    def test_scientific_notation_text_is_refused_like_a_numeric_cell(self, text):
        assert error_of(parse_resident_id, text, today=TODAY).code == "numeric_cell"

    def test_impossible_birth_date_is_refused(self):
        body = "33068319900230123"
        number = body + ric.calc_check_digit(body + "0")
        error = error_of(parse_resident_id, number, today=TODAY)
        assert error.code == "birth_date"
        assert "19900230" in message_of(error)

    def test_birth_date_in_the_future_is_refused(self):
        number = make_id("330683", TODAY + datetime.timedelta(days=1), 11)
        error = error_of(parse_resident_id, number, today=TODAY)
        assert error.code == "birth_date_future"

    def test_born_today_is_accepted(self):
        number = make_id("330683", TODAY, 11)
        assert parse_resident_id(number, today=TODAY).birth_date == TODAY

    def test_default_today_is_the_local_date(self):
        tomorrow = datetime.date.today() + datetime.timedelta(days=2)
        assert error_of(parse_resident_id, make_id("330683", tomorrow, 1)).code == (
            "birth_date_future"
        )

    def test_birth_year_before_1900_is_refused(self):
        number = make_id("330683", datetime.date(1899, 12, 31), 11)
        assert error_of(parse_resident_id, number, today=TODAY).code == "birth_date_too_early"

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("33068319900101123", "length"),
            ("3306831990010112345", "length"),
            ("33068319900101123A", "format"),
            ("X30683199001011234", "format"),
            ("", "required"),
            (None, "required"),
            (True, "length"),
        ],
    )
    def test_malformed_numbers_are_refused(self, value, code):
        assert error_of(parse_resident_id, value, today=TODAY).code == code

    def test_validator_accepts_good_and_refuses_bad(self):
        validate_resident_id(make_id("330683", datetime.date(1980, 2, 29), 42))
        with pytest.raises(ValidationError):
            validate_resident_id("330683198002291234")

    @given(
        birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
        sequence=st.integers(min_value=0, max_value=999),
        region=st.sampled_from(["330683", "330600", "110101", "512501"]),
    )
    def test_birth_date_and_sex_round_trip(self, birth, sequence, region):
        number = make_id(region, birth, sequence)
        result = parse_resident_id(number, today=TODAY)
        assert result.number == number
        assert result.birth_date == birth
        assert result.sex == (Sex.MALE if sequence % 2 else Sex.FEMALE)


class TestUscc:
    def test_valid_code_is_returned_compact_and_upper_case(self):
        code = make_uscc("91330683MA2D3X1Y1")
        assert parse_uscc(code) == code
        assert parse_uscc(" " + code.lower()[:8] + " - " + code.lower()[8:]) == code

    def test_full_width_code_is_accepted(self):
        code = make_uscc("91330683MA2D3X1Y1")
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
        assert parse_uscc(full_width) == code

    def test_known_real_code_is_accepted(self):
        assert parse_uscc("91110000600037341L") == "91110000600037341L"

    def test_village_collective_with_letter_authority_is_accepted(self):
        # N2 = 村级集体经济组织 (GB 32100 as amended); stdnum's validate() refuses a letter there.
        code = make_uscc("N2330683MA2D3X1Y1")
        assert not uscc.is_valid(code)
        assert parse_uscc(code) == code

    def test_letter_authority_with_wrong_check_character_is_refused(self):
        code = make_uscc("N2330683MA2D3X1Y1")
        wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
        assert error_of(parse_uscc, wrong).code == "checksum"

    def test_wrong_check_character_is_refused(self):
        code = make_uscc("91330683MA2D3X1Y1")
        wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
        error = error_of(parse_uscc, wrong)
        assert error.code == "checksum"
        assert "校验位错误" in message_of(error)

    @pytest.mark.parametrize("value", ["91330683MA2D3X1Y", "91330683MA2D3X1Y1UU"])
    def test_wrong_length_is_refused(self, value):
        error = error_of(parse_uscc, value)
        assert error.code == "length"
        assert "统一社会信用代码应为18位" in message_of(error)

    def test_fifteen_digit_registration_number_is_named(self):
        error = error_of(parse_uscc, "330683000012345")
        assert error.code == "length"
        assert "15位" in message_of(error)

    @pytest.mark.parametrize("value", ["91330683MA2D3XIY1U", "9133O683MA2D3X1Y1U"])
    def test_forbidden_characters_are_refused(self, value):
        assert error_of(parse_uscc, value).code == "format"

    @pytest.mark.parametrize(
        "cell", [9.13306831234568e17, 913306831234567890, "9.13306831234568E+17"]
    )
    def test_numeric_cell_is_refused_with_text_format_advice(self, cell):
        error = error_of(parse_uscc, cell)
        assert error.code == "numeric_cell"
        assert "设置为“文本”格式" in message_of(error)

    def test_blank_is_refused(self):
        assert error_of(parse_uscc, "  ").code == "required"

    def test_validator(self):
        validate_uscc(make_uscc("91330683MA2D3X1Y1"))
        with pytest.raises(ValidationError):
            validate_uscc("91330683MA2D3X1Y10")


class TestMasking:
    def test_id_number_shows_region_and_last_two_never_the_birth_date(self):
        masked = mask_id_number("33068319900101123X")
        assert masked == "330683**********3X"
        assert "1990" not in masked and "0101" not in masked

    @pytest.mark.parametrize(("number", "masked"), [("", ""), (None, ""), ("12345", "*****")])
    def test_short_or_empty_id_number_is_masked_whole(self, number, masked):
        assert mask_id_number(number) == masked

    def test_mobile_shows_first_three_and_last_four(self):
        assert mask_phone("13812345678") == "138****5678"

    @pytest.mark.parametrize(
        ("phone", "masked"),
        [("0575-83012345", "*********2345"), ("83012345", "****2345"), ("123", "***"), ("", "")],
    )
    def test_other_numbers_show_only_last_four(self, phone, masked):
        assert mask_phone(phone) == masked
