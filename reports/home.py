"""What officials and staff find about the progress reports on the home page (core.home)."""

import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.home import HomeItem, register_home_section
from core.roles import Role, has_role, is_sub_district_staff
from reports.models import ReportRun
from reports.selectors import last_complete_period, report_runs_visible_to


def latest_reports_ready(user: Any, today: datetime.date) -> int:
    """Of the two reports officials wait for, the last complete quarter's and month's, how many
    are built (a current version done). One query."""
    quarter = str(last_complete_period(ReportRun.Kind.QUARTERLY, today))
    month = str(last_complete_period(ReportRun.Kind.MONTHLY, today))
    return (
        report_runs_visible_to(user)
        .select_related(None)
        .order_by()
        .filter(is_current=True, status=ReportRun.Status.DONE)
        .filter(
            Q(kind=ReportRun.Kind.QUARTERLY, period=quarter)
            | Q(kind=ReportRun.Kind.MONTHLY, period=month)
        )
        .count()
    )


def home_items(user: Any) -> list[HomeItem] | None:
    if not (is_sub_district_staff(user) or has_role(user, Role.OFFICIAL)):
        return None
    today = timezone.localdate()
    return [
        HomeItem(
            title=gettext("改革进展"),
            url=reverse("reports:figures"),
            description=gettext(
                "上季度、上月的进展报告是否已生成；报告下载、各项指标与目标对比、趋势图。"
            ),
            count=latest_reports_ready(user, today),
            count_label=gettext("份最新报告已生成"),
        )
    ]


def register() -> None:
    register_home_section("reports", title=_("改革进展"), items=home_items, order=8)
