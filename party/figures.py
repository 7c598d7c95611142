"""Party organisation figures for the report and the 党建 page (seed measure 1): enterprises
covered by a party branch, and branches that recorded no 三会一课 or no 主题党日 in a quarter.

Branch and enterprise names only: no party member is named anywhere here.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.periods import Quarter
from core.rates import rate
from enterprises.models import Enterprise
from party.models import PartyBranch
from party.selectors import branch_activity_summary

PARTY_FIGURE_KEYS = (
    "party_covered_enterprises",
    "party_coverage_rate",
    "branches_without_three_meetings",
    "branches_without_themed_day",
)

PARTY_FIGURE_LABELS = {
    "party_covered_enterprises": _("党组织覆盖企业数（含联合党组织）"),
    "party_coverage_rate": _("党组织覆盖率"),
    "branches_without_three_meetings": _("本季度未开展“三会一课”的党组织数"),
    "branches_without_themed_day": _("本季度未开展主题党日的党组织数"),
}


def branches_existing_on(as_of: datetime.date) -> QuerySet[PartyBranch]:
    """Branches founded by `as_of` (a branch without a founding date is taken as existing)."""
    return PartyBranch.objects.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=as_of))


def party_covered_enterprises(as_of: datetime.date) -> QuerySet[Enterprise]:
    """Enterprises served by a branch, own or joint, that exists on `as_of` (seed measure 1)."""
    served = PartyBranch.enterprises.through.objects.filter(
        enterprise=OuterRef("pk"),
        partybranch__in=branches_existing_on(as_of).values("pk"),
    )
    return Enterprise.objects.filter(Exists(served))


def branch_activities_of_quarter(as_of: datetime.date) -> list[PartyBranch]:
    """The branches existing on `as_of` with their activity counts of `as_of`'s quarter
    (`party.selectors.branch_activity_summary`), by name. One query."""
    quarter = Quarter.of(as_of)
    return list(
        branch_activity_summary(
            year=quarter.year,
            quarter=quarter.number,
            branches=branches_existing_on(as_of).select_related("village"),
        )
    )


def without_three_meetings(branches: list[PartyBranch]) -> list[PartyBranch]:
    """The branches (annotated by branch_activity_summary) with no 三会一课 in the period."""
    return [b for b in branches if not getattr(b, "three_meetings_one_lesson_count")]  # noqa: B009


def without_themed_day(branches: list[PartyBranch]) -> list[PartyBranch]:
    """The branches (annotated by branch_activity_summary) with no 主题党日 in the period."""
    return [b for b in branches if not getattr(b, "themed_party_day_count")]  # noqa: B009


def party_figures(
    as_of: datetime.date,
    *,
    enterprises_total: int | None = None,
    branches: list[PartyBranch] | None = None,
) -> dict[str, Any]:
    """The report's party-organisation keys (PARTY_FIGURE_KEYS) as of `as_of`: covered
    enterprises over every enterprise of the register; branches with no 三会一课 (any of
    THREE_MEETINGS_ONE_LESSON, a 党课 included) and with no 主题党日 in the quarter."""
    if enterprises_total is None:
        enterprises_total = Enterprise.objects.count()
    if branches is None:
        branches = branch_activities_of_quarter(as_of)
    covered = party_covered_enterprises(as_of).count()
    return {
        "party_covered_enterprises": covered,
        "party_coverage_rate": rate(covered, enterprises_total),
        "branches_without_three_meetings": len(without_three_meetings(branches)),
        "branches_without_themed_day": len(without_themed_day(branches)),
    }


def party_snapshot(as_of: datetime.date) -> dict[str, Any]:
    """The 党建 sheet's content as plain JSON (frozen with a report run): every branch's
    activity in the quarter, and the names of those missing each activity."""
    branches = branch_activities_of_quarter(as_of)
    rows = [
        {
            "name": b.name,
            "kind": b.get_kind_display(),
            "village": b.village.name if b.village else "",
            "activities": b.activity_count,  # type: ignore[attr-defined]
            "three_meetings_one_lesson": b.three_meetings_one_lesson_count,  # type: ignore[attr-defined]
            "themed_party_day": b.themed_party_day_count,  # type: ignore[attr-defined]
            "last_activity_on": (
                b.last_activity_on.isoformat()  # type: ignore[attr-defined]
                if b.last_activity_on  # type: ignore[attr-defined]
                else None
            ),
        }
        for b in branches
    ]
    return {
        "quarter": str(Quarter.of(as_of)),
        "branches": rows,
        "without_three_meetings": [r["name"] for r in rows if not r["three_meetings_one_lesson"]],
        "without_themed_day": [r["name"] for r in rows if not r["themed_party_day"]],
    }
