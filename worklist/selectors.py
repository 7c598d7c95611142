"""Reads of the reform work list: each task with its latest progress and what stands out."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from core.periods import Quarter
from core.roles import Role, has_role, is_sub_district_staff
from worklist.models import Milestone, ReformTask, TaskFeedback


@dataclass
class TaskRow:
    task: ReformTask
    percent: int | None
    last_reported_on: datetime.date | None
    overdue: bool  # past its deadline (or a milestone's) and not done
    silent: bool  # no feedback this quarter

    @property
    def owners(self) -> str:
        return "、".join(unit.name for unit in self.task.owner_units.all())


def worklist_visible_to(user: Any) -> QuerySet[ReformTask]:
    """Staff, officials and the owner units' reporters see the whole work list (no personal
    data in it)."""
    if is_sub_district_staff(user) or has_role(user, Role.OFFICIAL, Role.WORKLIST):
        return ReformTask.objects.all()
    return ReformTask.objects.none()


def worklist_status(user: Any, today: datetime.date) -> list[TaskRow]:
    """Every task the user may see with its latest feedback, overdue and silent flags."""
    return _status(worklist_visible_to(user), today)


def worklist_for_report(today: datetime.date) -> list[TaskRow]:
    """The whole work list as of `today`, for the sub-district's own periodic report."""
    return _status(ReformTask.objects.all(), today)


def _status(tasks: QuerySet[ReformTask], today: datetime.date) -> list[TaskRow]:
    latest = TaskFeedback.objects.filter(task=OuterRef("pk"), reported_on__lte=today).order_by(
        "-reported_on", "-id"
    )
    tasks = (
        tasks.annotate(
            latest_percent=Subquery(latest.values("percent")[:1]),
            latest_on=Subquery(latest.values("reported_on")[:1]),
        )
        .prefetch_related(
            "owner_units", Prefetch("milestones", queryset=Milestone.objects.order_by("due_on"))
        )
        .order_by("order", "code")
    )
    return [task_row(task, today) for task in tasks]


def task_row(task: Any, today: datetime.date) -> TaskRow:
    percent = task.latest_percent
    done = percent == 100
    overdue = not done and (
        (task.deadline is not None and task.deadline < today)
        or any(m.is_overdue(today) for m in task.milestones.all())
    )
    silent = task.latest_on is None or task.latest_on < Quarter.of(today).start
    return TaskRow(task, percent, task.latest_on, overdue, silent)


def worklist_task(user: Any, pk: int, today: datetime.date) -> TaskRow | None:
    latest = TaskFeedback.objects.filter(task=OuterRef("pk")).order_by("-reported_on", "-id")
    task = (
        worklist_visible_to(user)
        .filter(pk=pk)
        .annotate(
            latest_percent=Subquery(latest.values("percent")[:1]),
            latest_on=Subquery(latest.values("reported_on")[:1]),
        )
        .prefetch_related(
            "owner_units",
            "milestones",
            Prefetch(
                "feedback",
                queryset=TaskFeedback.objects.select_related("author", "unit").prefetch_related(
                    "attachments"
                ),
            ),
        )
        .first()
    )
    return task_row(task, today) if task is not None else None


def may_post_feedback(user: Any, task: ReformTask) -> bool:
    """Members of the task's owner units who are staff or the units' reporters (Role.WORKLIST);
    any staff when it has none yet (or a superuser)."""
    staff = is_sub_district_staff(user)
    if not (staff or has_role(user, Role.WORKLIST)):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not task.owner_units.all():  # prefetched by worklist_task
        return staff
    return task.owner_units.filter(members=user).exists()  # one query, however many units
