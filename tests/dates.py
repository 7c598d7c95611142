"""Dates relative to the day a test runs, computed when it runs.

A module-level ``TODAY`` is computed when pytest collects the suite; a run that
crosses midnight (Asia/Shanghai) then calls yesterday "today" and the portal,
rightly, disagrees. Parametrized cases pass these functions themselves and the
test resolves them with ``resolved``.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def tomorrow() -> str:
    """Tomorrow as a cell of an uploaded file holds it (ISO text)."""
    return (today() + datetime.timedelta(days=1)).isoformat()


def last_year() -> int:
    return today().year - 1


def next_year() -> int:
    return today().year + 1


def next_year_in_words() -> str:
    """Next year as people type it in a 年度 cell ("2027年")."""
    return "%d年" % next_year()


def resolved(overrides: dict) -> dict:
    """The overrides with each date function replaced by its value today."""
    return {key: value() if callable(value) else value for key, value in overrides.items()}
