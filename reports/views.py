import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.roles import Role, has_role, is_sub_district_staff
from reports.selectors import FIGURE_LABELS, RATE_KEYS, quarter_report


def _display(value: float | int | None, *, is_rate: bool) -> str:
    if value is None:
        return "—"
    if is_rate:
        return "%.2f%%" % (value * 100)
    return str(value)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Aggregate figures of a quarter: officials and staff only, never a named worker."""
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.OFFICIAL)):
        raise PermissionDenied
    today = timezone.localdate()
    default = "%dQ%d" % (today.year, (today.month - 1) // 3 + 1)
    quarter = request.GET.get("quarter", default)
    try:
        report = quarter_report(quarter, today)
    except ValueError as exc:
        report = quarter_report(default, today)
        error = str(exc)
    else:
        error = ""
    rows = [
        {
            "key": key,
            "label": FIGURE_LABELS[key],
            "value": value,
            "display": _display(value, is_rate=key in RATE_KEYS),
        }
        for key, value in report["kpis"].items()
    ]
    quarters = [
        "%dQ%d" % (year, q)
        for year in range(today.year, today.year - 3, -1)
        for q in (4, 3, 2, 1)
        if datetime.date(year, 3 * q - 2, 1) <= today
    ]
    return render(
        request,
        "reports/figures.html",
        {"report": report, "rows": rows, "quarters": quarters, "error": error},
    )
