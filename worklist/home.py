"""What staff, officials and the owner units' reporters find about the work list on the home
page (core.home)."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.home import HomeItem, register_home_section
from core.roles import Role, has_role, is_sub_district_staff
from worklist.models import Milestone, OwnerUnit, TaskFeedback
from worklist.selectors import worklist_visible_to


def overdue_tasks(user: Any, today: datetime.date) -> int:
    """Tasks past their deadline or a milestone's and not done (latest feedback under 100%), as
    the work list flags them (worklist.selectors.task_row). Reporters count their own units'
    tasks, staff and officials all. One query."""
    tasks = worklist_visible_to(user)
    if not is_sub_district_staff(user) and has_role(user, Role.WORKLIST):
        tasks = tasks.filter(Exists(OwnerUnit.objects.filter(tasks=OuterRef("pk"), members=user)))
    latest = TaskFeedback.objects.filter(task=OuterRef("pk"), reported_on__lte=today).order_by(
        "-reported_on", "-id"
    )
    milestone_overdue = Milestone.objects.filter(
        task=OuterRef("pk"), done_on__isnull=True, due_on__lt=today
    )
    return (
        tasks.annotate(latest_percent=Subquery(latest.values("percent")[:1]))
        .filter(Q(latest_percent__isnull=True) | ~Q(latest_percent=100))
        .filter(Q(deadline__lt=today) | Exists(milestone_overdue))
        .count()
    )


def home_items(user: Any) -> list[HomeItem] | None:
    staff = is_sub_district_staff(user)
    reporter = has_role(user, Role.WORKLIST)
    if not (staff or reporter or has_role(user, Role.OFFICIAL)):
        return None
    if reporter and not staff:
        description = gettext("本线办（中心）负责的改革任务，填报进展和佐证材料。")
    else:
        description = gettext("改革任务的责任线办、完成期限和最新进展。")
    return [
        HomeItem(
            title=gettext("工作清单"),
            url=reverse("worklist:list"),
            description=description,
            count=overdue_tasks(user, timezone.localdate()),
            count_label=gettext("项任务已逾期"),
            urgent=staff or reporter,
        )
    ]


def register() -> None:
    register_home_section("worklist", title=_("工作清单"), items=home_items, order=70)
