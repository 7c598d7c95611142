"""Reads of party branches, their members and activities, and of worker representatives."""

import datetime
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from core.choices import PARTY_STATUSES
from core.periods import Quarter
from core.rates import rate
from core.roles import Role, has_role, is_sub_district_staff
from party.models import (
    THREE_MEETINGS_ONE_LESSON,
    PartyActivity,
    PartyBranch,
    PartyBranchMember,
    WorkerRepresentative,
)

# The module, not its names: reports will read these figures, and a module import keeps that
# import cycle harmless.
from workers.models import Employment, Worker


def _sees_party_data(user: Any) -> bool:
    """Staff keep party data; union officers review it (DOMAIN.md); HR and officials see none."""
    return is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER)


def branches_visible_to(user: Any) -> QuerySet[PartyBranch]:
    queryset = PartyBranch.objects.select_related("village")
    return queryset if _sees_party_data(user) else queryset.none()


def memberships_visible_to(user: Any) -> QuerySet[PartyBranchMember]:
    queryset = PartyBranchMember.objects.select_related("branch", "worker")
    return queryset if _sees_party_data(user) else queryset.none()


def activities_visible_to(user: Any) -> QuerySet[PartyActivity]:
    queryset = PartyActivity.objects.select_related("branch")
    return queryset if _sees_party_data(user) else queryset.none()


def representatives_visible_to(user: Any) -> QuerySet[WorkerRepresentative]:
    queryset = WorkerRepresentative.objects.select_related("worker")
    return queryset if _sees_party_data(user) else queryset.none()


def party_members_inconsistent() -> QuerySet[PartyBranchMember]:
    """Open memberships whose worker is no longer 中共党员 or 中共预备党员 (e.g. after a later
    roster upload changed the political status), for staff to follow up (DOMAIN.md)."""
    return (
        PartyBranchMember.objects.open()
        .exclude(worker__political_status__in=PARTY_STATUSES)
        .select_related("branch", "worker")
        .order_by("branch__name", "worker__name", "pk")
    )


def branch_activity_summary(
    *, year: int, quarter: int | None = None, branches: QuerySet[PartyBranch] | None = None
) -> QuerySet[PartyBranch]:
    """Every branch (also those with no activity) annotated for the period with
    `activity_count`, `three_meetings_one_lesson_count` (三会一课), `themed_party_day_count`,
    and `last_activity_on`: the latest activity up to the period's end, so a branch that held
    nothing in the period shows when it last did (seed measure 1). One query."""
    if quarter is None:  # the whole year
        first, last = Quarter(year, 1), Quarter(year, 4)
    else:
        first = last = Quarter(year, quarter)
    start, end = first.start, last.end
    branches = PartyBranch.objects.all() if branches is None else branches
    in_period = Q(activities__held_on__gte=start, activities__held_on__lte=end)
    return branches.annotate(
        activity_count=Count("activities", filter=in_period),
        three_meetings_one_lesson_count=Count(
            "activities", filter=in_period & Q(activities__kind__in=THREE_MEETINGS_ONE_LESSON)
        ),
        themed_party_day_count=Count(
            "activities",
            filter=in_period & Q(activities__kind=PartyActivity.Kind.THEMED_PARTY_DAY),
        ),
        last_activity_on=Max("activities__held_on", filter=Q(activities__held_on__lte=end)),
    ).order_by("name")


def representatives_in_office_on(day: datetime.date) -> QuerySet[Worker]:
    """Distinct workers holding at least one representative post on `day` (seed measure 9)."""
    posts = WorkerRepresentative.objects.in_office_on(day).filter(worker=OuterRef("pk"))
    return Worker.objects.filter(Exists(posts))


def representative_figures(as_of: datetime.date) -> dict[str, Any]:
    """Representatives in office on `as_of` (a worker with two posts counts once), how many are
    frontline workers (an active frontline employment that day; a departed worker is not), and
    their share, rounded as every rate of DOMAIN.md (seed measure 9). One query."""
    frontline = Employment.objects.active_on(as_of).filter(worker=OuterRef("pk"), is_frontline=True)
    counts = (
        representatives_in_office_on(as_of)
        .annotate(is_frontline=Exists(frontline))
        .aggregate(
            representatives=Count("pk"),
            frontline_representatives=Count("pk", filter=Q(is_frontline=True)),
        )
    )
    return {
        "representatives": counts["representatives"],
        "frontline_representatives": counts["frontline_representatives"],
        "frontline_representative_rate": rate(
            counts["frontline_representatives"], counts["representatives"]
        ),
    }
