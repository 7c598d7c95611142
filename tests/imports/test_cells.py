"""Cell parsers for uploaded spreadsheets (INTERFACES.md, "Spreadsheets people upload")."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.choices import (
    POLITICAL_STATUS_ALIASES,
    ContractType,
    PoliticalStatus,
    SkillLevel,
)
from imports.cells import (
    is_blank,
    normalise_header,
    normalise_text,
    parse_amount,
    parse_choice,
    parse_contract_type,
    parse_date,
    parse_phone,
    parse_political_status,
    parse_skill_level,
    parse_text,
    parse_yes_no,
)


def error_of(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


class TestNormaliseText:
    @pytest.mark.parametrize(
        ("cell", "text"),
        [
            (None, ""),
            ("  张三  ", "张三"),
            ("\u3000张三\u3000", "张三"),
            ("张\u200b三\ufeff", "张三"),
            ("'0575", "0575"),
            ("''abc", "'abc"),
            ("０５７５－８３０１２３４５", "0575-83012345"),
            ("ＡＢＣ", "ABC"),
            ("浙江  嵊州\n剡湖", "浙江 嵊州 剡湖"),
            (42, "42"),
            (42.0, "42"),
            (1234567.89, "1234567.89"),
            (True, "是"),
            (False, "否"),
            (datetime.date(2023, 1, 5), "2023-01-05"),
            (datetime.datetime(2023, 1, 5), "2023-01-05"),
        ],
    )
    def test_normalises(self, cell, text):
        assert normalise_text(cell) == text

    @pytest.mark.parametrize("text", ["=1+1", "+86138", "-5", "@SUM(A1:A2)", '=HYPERLINK("x")'])
    def test_formula_like_text_is_data_and_kept(self, text):
        assert normalise_text(text) == text
        assert parse_text(text, max_length=50, label="备注") == text

    def test_apostrophe_before_formula_is_dropped_but_formula_is_not_evaluated(self):
        assert normalise_text("'=1+1") == "=1+1"

    @given(
        st.text(
            alphabet=st.sampled_from(
                list("张三丙（）：；，！？ '\t\n\u3000\u200b\u200d\u2060\ufeff\u00ad")
                + [chr(c) for c in range(0xFF01, 0xFF5F)]
                + ["e", "\u0301", "\u00e9", "A", "1"]
            ),
            max_size=12,
        )
    )
    def test_text_with_nothing_to_fold_takes_the_short_way_to_the_same_result(self, text):
        """Every step done on every string, as the full rule says (INTERFACES.md)."""
        import unicodedata

        from core.text import _INVISIBLE, _WHITESPACE, _WIDTH_FOLD

        full = _INVISIBLE.sub("", unicodedata.normalize("NFC", text).translate(_WIDTH_FOLD))
        full = full.strip()
        if full.startswith("'"):
            full = full[1:].strip()
        assert normalise_text(text) == _WHITESPACE.sub(" ", full)


class TestHeaders:
    @pytest.mark.parametrize(
        ("left", "right"),
        [
            ("所属村（社区）", "所属村(社区)"),
            ("*身份证号", "身份证号"),
            ("＊身份证号：", "身份证号"),
            (" 身份证\n号码 ", "身份证号码"),
            ("统一社会信用代码:", "统一社会信用代码"),
        ],
    )
    def test_variants_compare_equal(self, left, right):
        assert normalise_header(left) == normalise_header(right)


class TestBlankAndText:
    @pytest.mark.parametrize("cell", [None, "", "   ", "\u3000", "'", "\u200b"])
    def test_blank(self, cell):
        assert is_blank(cell)

    @pytest.mark.parametrize("cell", [0, False, "0", "x"])
    def test_not_blank(self, cell):
        assert not is_blank(cell)

    def test_too_long_text_names_the_limit(self):
        error = error_of(parse_text, "张" * 11, max_length=10, label="姓名")
        assert "10" in message_of(error)
        assert "姓名" in message_of(error)

    def test_text_at_the_limit_is_fine(self):
        assert parse_text(" " + "张" * 10 + " ", max_length=10, label="姓名") == "张" * 10


class TestYesNo:
    @pytest.mark.parametrize(
        "cell",
        ["是", "Y", "y", "yes", "YES", "Yes", "true", "True", "TRUE", "1", "√", "✓", "对",
         "Ｙ", " 是 ", 1, 1.0, True],
    )  # fmt: skip
    def test_yes(self, cell):
        assert parse_yes_no(cell) is True

    @pytest.mark.parametrize(
        "cell",
        ["否", "N", "n", "no", "NO", "No", "false", "False", "FALSE", "0", "×", "✗", "错",
         0, 0.0, False],
    )  # fmt: skip
    def test_no(self, cell):
        assert parse_yes_no(cell) is False

    @pytest.mark.parametrize("cell", ["maybe", "2", 2, 0.5, "有", "是否"])
    def test_other_values_are_refused_with_the_accepted_forms(self, cell):
        assert "是" in message_of(error_of(parse_yes_no, cell))


class TestDate:
    @pytest.mark.parametrize(
        "cell",
        [
            datetime.date(2023, 1, 5),
            datetime.datetime(2023, 1, 5, 14, 30),
            "2023-01-05",
            "2023-1-5",
            "2023/1/5",
            "2023/01/05",
            "2023.1.5",
            "2023年1月5日",
            "2023年01月05日",
            "2023年1月5号",
            "2023年1月5",
            "2023 年 1 月 5 日",
            "20230105",
            20230105,
            "2023-01-05 00:00:00",
            "2023-01-05T08:30",
            "２０２３－０１－０５",
            "'2023-01-05",
            44931,
            44931.75,
            "44931",
        ],
    )
    def test_formats(self, cell):
        assert parse_date(cell, label="入职日期") == datetime.date(2023, 1, 5)

    def test_excel_serial_45000_is_15_march_2023(self):
        assert parse_date(45000, label="入职日期") == datetime.date(2023, 3, 15)
        assert parse_date(45000.0, label="入职日期") == datetime.date(2023, 3, 15)

    @pytest.mark.parametrize(
        ("serial", "day"),
        [(1, datetime.date(1900, 1, 1)), (59, datetime.date(1900, 2, 28)),
         (61, datetime.date(1900, 3, 1))],
    )  # fmt: skip
    def test_excel_1900_leap_year_bug_is_respected(self, serial, day):
        assert parse_date(serial, label="出生日期") == day

    @pytest.mark.parametrize("cell", ["1990-02-30", "19900230", "2023年13月1日", "2023/2/29", 60])
    def test_impossible_dates_are_refused(self, cell):
        error = error_of(parse_date, cell, label="出生日期")
        assert error.code == "date_invalid"
        assert "出生日期" in message_of(error)

    @pytest.mark.parametrize(
        "cell", ["明天", "2023", "1/5/2023", "2023-01", 0, -3, 10**7 - 1, True, datetime.time(8)]
    )
    def test_non_dates_are_refused_with_the_accepted_formats(self, cell):
        error = error_of(parse_date, cell, label="入职日期")
        assert "2023-01-05" in message_of(error)

    @pytest.mark.parametrize("cell", ["1899-12-31", "2201-01-01", 200000])
    def test_out_of_range_dates_are_refused(self, cell):
        assert error_of(parse_date, cell, label="入职日期").code in {"date_range", "date"}


class TestAmount:
    @pytest.mark.parametrize(
        ("cell", "amount"),
        [
            ("1,234,567.89", "1234567.89"),
            ("¥1234", "1234"),
            ("￥1,234", "1234"),
            ("¥ 1,234.50", "1234.5"),
            ("1234元", "1234"),
            ("１２３４．５６", "1234.56"),
            ("１，２３４", "1234"),
            (" 0 ", "0"),
            ("1.230", "1.23"),
            (".5", "0.5"),
            (1234, "1234"),
            (1234567.89, "1234567.89"),
            (0.1 + 0.2, "0.3"),
            (Decimal("12.30"), "12.3"),
        ],
    )
    def test_amounts(self, cell, amount):
        result = parse_amount(cell, label="职工工资总额")
        assert result == Decimal(amount)
        assert result.as_tuple().exponent == -2

    def test_float_cell_is_exact(self):
        assert str(parse_amount(1234567.89, label="职工工资总额")) == "1234567.89"

    @pytest.mark.parametrize("cell", ["-1", "-¥1,234", "¥-5", "(1,234.00)", -0.01, -3])
    def test_negative_amounts_are_refused(self, cell):
        assert error_of(parse_amount, cell, label="教育培训经费使用额").code == "amount_negative"

    @pytest.mark.parametrize("cell", ["1.234", "1,234.567", 1.234, Decimal("0.001")])
    def test_more_than_two_decimals_is_refused_not_rounded(self, cell):
        error = error_of(parse_amount, cell, label="教育培训经费提取额")
        assert error.code == "amount_places"
        assert "两位小数" in message_of(error)

    @pytest.mark.parametrize(
        "cell", ["abc", "12,34", "1.2.3", "1万", "1e5", "", None, True, float("nan"), "¥"]
    )
    def test_non_numbers_are_refused(self, cell):
        assert error_of(parse_amount, cell, label="职工工资总额").code == "amount"

    def test_absurdly_large_amount_is_refused(self):
        assert error_of(parse_amount, "1" + "0" * 15, label="职工工资总额").code == (
            "amount_too_large"
        )

    @given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
    def test_grouped_text_round_trips(self, amount):
        assert parse_amount(f"{amount:,}", label="职工工资总额") == amount


class TestChoices:
    @pytest.mark.parametrize(
        ("cell", "level"),
        [
            ("初级工(五级)", SkillLevel.JUNIOR),
            ("初级工（五级）", SkillLevel.JUNIOR),
            ("初级工 ( 五级 )", SkillLevel.JUNIOR),
            ("初级工", SkillLevel.JUNIOR),
            ("五级", SkillLevel.JUNIOR),
            ("初级(五级)", SkillLevel.JUNIOR),
            ("高级工（三级）", SkillLevel.SENIOR),
            ("三级", SkillLevel.SENIOR),
            ("技师(二级)", SkillLevel.TECHNICIAN),
            ("高级技师", SkillLevel.SENIOR_TECHNICIAN),
            ("学徒工", SkillLevel.APPRENTICE),
            ("首席技师", SkillLevel.CHIEF_TECHNICIAN),
            ("senior", SkillLevel.SENIOR),
            ("", ""),
            (None, ""),
        ],
    )
    def test_skill_levels(self, cell, level):
        assert parse_skill_level(cell) == level

    def test_contradictory_name_and_grade_is_refused(self):
        error = error_of(parse_skill_level, "初级工(三级)")
        assert error.code == "invalid_choice"

    def test_unknown_skill_level_lists_the_allowed_labels(self):
        message = message_of(error_of(parse_skill_level, "六级"))
        assert "初级工(五级)" in message
        assert "首席技师" in message

    @pytest.mark.parametrize(
        ("cell", "status"),
        [
            ("中共党员", PoliticalStatus.PARTY_MEMBER),
            ("党员", PoliticalStatus.PARTY_MEMBER),
            ("预备党员", PoliticalStatus.PROBATIONARY_MEMBER),
            ("中共预备党员", PoliticalStatus.PROBATIONARY_MEMBER),
            ("团员", PoliticalStatus.LEAGUE_MEMBER),
            ("群众", PoliticalStatus.MASSES),
            (" 群众 ", PoliticalStatus.MASSES),
            ("", PoliticalStatus.MASSES),
            (None, PoliticalStatus.MASSES),
        ],
    )
    def test_political_status(self, cell, status):
        assert parse_political_status(cell) == status

    @pytest.mark.parametrize(
        ("cell", "contract"),
        [
            ("固定期限", ContractType.FIXED_TERM),
            ("无固定期限劳动合同", ContractType.OPEN_ENDED),
            ("劳务派遣", ContractType.DISPATCHED),
            ("退休返聘", ContractType.RETIREE_REHIRED),
            ("", ""),
        ],
    )
    def test_contract_type(self, cell, contract):
        assert parse_contract_type(cell) == contract

    def test_chinese_labels_match_even_when_the_page_is_in_english(self):
        with translation.override("en"):
            assert parse_political_status("群众") == PoliticalStatus.MASSES

    def test_generic_choice_refuses_unknown_and_blank(self):
        kwargs = {
            "choices": PoliticalStatus,
            "aliases": POLITICAL_STATUS_ALIASES,
            "label": "政治面貌",
        }
        assert "群众" in message_of(error_of(parse_choice, "外星人", **kwargs))
        assert error_of(parse_choice, " ", **kwargs).code == "required"


class TestPhone:
    @pytest.mark.parametrize(
        ("cell", "phone"),
        [
            ("13812345678", "13812345678"),
            (13812345678, "13812345678"),
            (13812345678.0, "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("+8613812345678", "13812345678"),
            ("８６１３８１２３４５６７８", "13812345678"),
            ("'13812345678", "13812345678"),
            ("0575-83012345", "0575-83012345"),
            ("057583012345", "0575-83012345"),
            ("(0575)83012345", "0575-83012345"),
            ("0575 8301 2345", "0575-83012345"),
            ("010-62345678", "010-62345678"),
            ("0575-83012345转801", "0575-83012345转801"),
            ("83012345", "83012345"),
            ("400-123-4567", "4001234567"),
        ],
    )
    def test_accepted(self, cell, phone):
        assert parse_phone(cell) == phone

    @pytest.mark.parametrize(
        "cell",
        ["abc", "1381234567", "138123456789", "12012345678", "13812345678/13912345678",
         "0575-0123", "+1 650 555 0100", 1.5, True],
    )  # fmt: skip
    def test_refused(self, cell):
        assert "11位" in message_of(error_of(parse_phone, cell))
