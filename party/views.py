"""Party organisation page (seed measure 1): coverage of enterprises by party branches, branches
that held no 三会一课 or no 主题党日 in a quarter, and every branch's activities of the quarter.
Staff and union officers; branch and enterprise figures only, no party member is named."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from core.db_router import replica_reads
from core.periods import Quarter
from core.rates import rate
from core.roles import Role, has_role, is_sub_district_staff
from party.figures import (
    branch_activities_of_quarter,
    party_figures,
    without_themed_day,
    without_three_meetings,
)
from workers.figures import worker_figures


@login_required
@replica_reads()
def organisation(request: HttpRequest) -> HttpResponse:
    """党建 for a quarter (?quarter=2026Q4, default the current one); a quarter that has not
    started is refused with a message and the current one shown."""
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.UNION_OFFICER)):
        raise PermissionDenied
    today = timezone.localdate()
    current = Quarter.of(today)
    quarter = current
    asked = request.GET.get("quarter", "").strip()
    if asked:
        try:
            quarter = Quarter.parse(asked)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            if quarter > current:
                messages.error(
                    request,
                    gettext("%(quarter)s 尚未开始，无法统计；已显示本季度。")
                    % {"quarter": quarter},
                )
                quarter = current
    as_of = quarter.as_of(today)
    branches = branch_activities_of_quarter(as_of)
    figures = party_figures(as_of, branches=branches)
    workers = worker_figures(as_of, ("overall",))["overall"][None]
    frontline = workers.get("frontline", 0)
    frontline_party = workers.get("frontline_party", 0)

    return render(
        request,
        "party/organisation.html",
        {
            "quarter": quarter,
            "quarters": [str(q) for q in Quarter.recent(today)],
            "as_of": as_of,
            "figures": figures,
            "frontline_party_members": frontline_party,
            "frontline_party_member_rate": rate(frontline_party, frontline),
            "branches": branches,
            "without_three_meetings": without_three_meetings(branches),
            "without_themed_day": without_themed_day(branches),
        },
    )
