"""Quarters and months: the periods the reports, the work list and the party records count in.

A period's figures are as of its last day, or today if that is earlier (DOMAIN.md: report
figures). Both types are immutable, ordered by time, and print as their canonical name
("2026Q4", "2026-11"), which `parse` reads back.
"""

import datetime
import re
from dataclasses import dataclass
from typing import ClassVar, Self

from django.utils import timezone
from django.utils.translation import gettext

_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ONE_DAY = datetime.timedelta(days=1)


def _check_year(year: int) -> None:
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(gettext("年份 %(year)s 超出范围。") % {"year": year})


@dataclass(frozen=True, order=True)
class _Period:
    """A year cut into PER_YEAR equal runs of months; subclasses name and parse them."""

    year: int
    number: int  # 1 to PER_YEAR

    PER_YEAR: ClassVar[int]

    def __post_init__(self) -> None:
        _check_year(self.year)
        if not 1 <= self.number <= self.PER_YEAR:
            raise ValueError(self._number_error())

    def _number_error(self) -> str:
        raise NotImplementedError

    @classmethod
    def of(cls, day: datetime.date) -> Self:
        """The period `day` falls in."""
        return cls(day.year, (day.month - 1) // (12 // cls.PER_YEAR) + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, (12 // self.PER_YEAR) * (self.number - 1) + 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.number == self.PER_YEAR:  # counted forward, 9999's would run out of dates
            return datetime.date(self.year, 12, 31)
        return self.next().start - _ONE_DAY

    def as_of(self, today: datetime.date | None = None) -> datetime.date:
        """The day the period's figures are counted on: its last day, or today if earlier
        (DOMAIN.md)."""
        return min(self.end, today or timezone.localdate())

    def previous(self) -> Self:
        if self.number == 1:
            return type(self)(self.year - 1, self.PER_YEAR)
        return type(self)(self.year, self.number - 1)

    def next(self) -> Self:
        if self.number == self.PER_YEAR:
            return type(self)(self.year + 1, 1)
        return type(self)(self.year, self.number + 1)


@dataclass(frozen=True, order=True)
class Quarter(_Period):
    PER_YEAR: ClassVar[int] = 4

    def _number_error(self) -> str:
        return gettext("季度应为 1 至 4，不是 %(number)s。") % {"number": self.number}

    @classmethod
    def parse(cls, text: str) -> Self:
        """'2026Q4' (also '2026q4', ' 2026 Q4 '); ValueError with a Chinese message otherwise."""
        match = _QUARTER.match(text.strip())
        if not match:
            raise ValueError(gettext("季度格式应为 2026Q4 这样的“年份Q季度”。"))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def recent(cls, today: datetime.date, years: int = 3) -> list[Self]:
        """The quarters of this year so far and of the years before, newest first: what a
        page offers to pick from."""
        current = cls.of(today)
        return [
            cls(year, number)
            for year in range(today.year, today.year - years, -1)
            for number in (4, 3, 2, 1)
            if cls(year, number) <= current
        ]

    def __str__(self) -> str:
        return "%04dQ%d" % (self.year, self.number)


@dataclass(frozen=True, order=True)
class Month(_Period):
    PER_YEAR: ClassVar[int] = 12

    def _number_error(self) -> str:
        return gettext("月份应为 1 至 12，不是 %(number)s。") % {"number": self.number}

    @classmethod
    def parse(cls, text: str) -> Self:
        """'2026-11' (also '2026-2'); ValueError with a Chinese message otherwise."""
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(gettext("月份格式应为 2026-11 这样的“年份-月份”。"))
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return "%04d-%02d" % (self.year, self.number)


# What a periodic report covers.
Period = Quarter | Month
