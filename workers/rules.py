"""Rules on a worker's data that every way of writing it applies: the roster import and the
admin (workers.services)."""

import datetime

from django.utils.translation import gettext

MINIMUM_HIRING_AGE = 16  # 劳动法 第十五条


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def hire_date_error(
    hired: datetime.date, *, birth: datetime.date, today: datetime.date
) -> str | None:
    """Why a 入职日期 cannot be right, or None: not after today, and nobody is hired before 16
    (劳动法 第十五条, DOMAIN.md)."""
    if hired > today:
        return gettext("入职日期晚于今天，请核对。")
    if age_on(birth, hired) < MINIMUM_HIRING_AGE:
        return gettext(
            "入职时未满16周岁（出生于%(birth)s），违反劳动法第十五条，请核对入职日期。"
        ) % {"birth": birth.isoformat()}
    return None
