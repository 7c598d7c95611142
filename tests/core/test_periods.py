"""Quarters and months (core.periods): reading, bounds, as-of day, neighbours, order."""

import dataclasses
import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.periods import Month, Quarter

QUARTER_FORMAT = "季度格式应为 2026Q4 这样的“年份Q季度”。"
MONTH_FORMAT = "月份格式应为 2026-11 这样的“年份-月份”。"
ONE_DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize("text", ["2026Q4", "2026q4", " 2026Q4 ", "2026 Q4", "\t2026 q4\n"])
def test_a_quarter_is_read_in_any_case_and_spacing(text):
    assert Quarter.parse(text) == Quarter(2026, 4)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2026-Q4", "26Q4", "Q4 2026", "2026", ""])
def test_anything_else_is_refused_with_the_chinese_message(text):
    with pytest.raises(ValueError) as raised:
        Quarter.parse(text)
    assert str(raised.value) == QUARTER_FORMAT


def test_a_quarter_has_one_to_four_and_a_real_year():
    for year, number in [(2024, 0), (2024, 5), (0, 1), (10000, 1)]:
        with pytest.raises(ValueError):
            Quarter(year, number)


def test_quarter_bounds():
    assert [(Quarter(2024, n).start, Quarter(2024, n).end) for n in (1, 2, 3, 4)] == [
        (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
        (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)),
        (datetime.date(2024, 7, 1), datetime.date(2024, 9, 30)),
        (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
    ]
    assert Quarter.of(datetime.date(2026, 3, 31)) == Quarter(2026, 1)
    assert Quarter.of(datetime.date(2026, 4, 1)) == Quarter(2026, 2)
    assert Quarter(9999, 4).end == datetime.date(9999, 12, 31)


def test_a_quarter_is_counted_as_of_its_last_day_or_today_if_earlier():
    today = datetime.date(2026, 11, 23)
    assert Quarter.parse("2026Q3").as_of(today) == datetime.date(2026, 9, 30)
    assert Quarter.parse("2026Q4").as_of(today) == today
    assert Quarter.parse("2025q1").as_of(today) == datetime.date(2025, 3, 31)
    assert Quarter(2026, 4).as_of(datetime.date(2026, 12, 31)) == datetime.date(2026, 12, 31)
    assert Quarter(9999, 4).as_of() == timezone.localdate()  # today by default


def test_neighbours_name_and_order():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 2).previous() == Quarter(2026, 1)
    assert str(Quarter(2026, 4)) == "2026Q4"
    assert str(Quarter(999, 1)) == "0999Q1"  # four digits, as `parse` reads
    assert sorted([Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 2)]) == [
        Quarter(2025, 2),
        Quarter(2025, 4),
        Quarter(2026, 1),
    ]
    assert Quarter(2025, 4) < Quarter(2026, 1)
    assert len({Quarter(2026, 1), Quarter.parse("2026q1")}) == 1
    assert Quarter(2026, 1) != Month(2026, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quarter(2026, 1).number = 2  # type: ignore[misc]


@pytest.mark.parametrize("text", ["2026-11", "2026-2", " 2026-02 "])
def test_a_month_is_read_with_one_or_two_digits(text):
    assert Month.parse(text).year == 2026


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "2026-00", "2026/11", "202611", "2026Q4"])
def test_a_month_refuses_anything_else_with_the_chinese_message(text):
    with pytest.raises(ValueError) as raised:
        Month.parse(text)
    assert str(raised.value) == MONTH_FORMAT


def test_month_bounds_neighbours_and_name():
    assert Month(2024, 2).end == datetime.date(2024, 2, 29)
    assert Month(2026, 2).end == datetime.date(2026, 2, 28)
    assert (Month(2026, 12).start, Month(2026, 12).end) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2025, 12).next() == Month(2026, 1)
    assert str(Month.parse("2026-2")) == "2026-02"
    assert Month(2026, 11).as_of(datetime.date(2026, 11, 24)) == datetime.date(2026, 11, 24)
    assert Month(2026, 10).as_of(datetime.date(2026, 11, 24)) == datetime.date(2026, 10, 31)
    with pytest.raises(ValueError):
        Month(2026, 13)


# The last quarter and month of the year 9999 have no next one.
quarter_days = st.dates(max_value=datetime.date(9999, 9, 30))
month_days = st.dates(max_value=datetime.date(9999, 11, 30))


@given(quarter_days)
def test_every_day_lies_in_its_quarter_and_quarters_follow_each_other(day):
    quarter = Quarter.of(day)
    assert quarter.start <= day <= quarter.end
    assert quarter.next().start == quarter.end + ONE_DAY
    assert quarter.next().previous() == quarter
    assert Quarter.parse(str(quarter)) == quarter
    assert quarter.as_of(day) == day
    assert quarter.start.month == 3 * quarter.number - 2


@given(month_days)
def test_every_day_lies_in_its_month_and_months_follow_each_other(day):
    month = Month.of(day)
    assert month.start <= day <= month.end
    assert month.next().start == month.end + ONE_DAY
    assert month.next().previous() == month
    assert Month.parse(str(month)) == month
    assert Quarter.of(month.start) == Quarter.of(month.end)


@given(st.dates(), st.dates())
def test_quarters_and_months_are_ordered_as_their_days(a, b):
    if a <= b:
        assert Quarter.of(a) <= Quarter.of(b)
        assert Month.of(a) <= Month.of(b)
