"""Labour-inspection figures for the report (seed measure 8: 劳动法律执法检查): findings open and
overdue at the quarter's end (its as-of day), and closed (销号) within the quarter, by kind.

Enterprise names, subjects and dates only: an inspection names no person.
"""

import datetime
from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from compliance.models import LabourInspection
from core.periods import Quarter

INSPECTION_FIGURE_KEYS = ("inspections_open", "inspections_overdue", "inspections_closed")

INSPECTION_FIGURE_LABELS = {
    "inspections_open": _("劳动监察未整改问题数（期末）"),
    "inspections_overdue": _("其中逾期未整改数（期末）"),
    "inspections_closed": _("本季度整改销号问题数"),
}


def _conditions(as_of: datetime.date) -> dict[str, Q]:
    """The same rules as `LabourInspectionQuerySet.open_on` / `overdue_on`, as filters for one
    aggregate; closed: 销号 from the quarter's first day up to `as_of`."""
    open_ = Q(inspected_on__lte=as_of) & (Q(is_closed=False) | Q(closed_on__gt=as_of))
    return {
        "open": open_,
        "overdue": open_ & Q(deadline__lt=as_of),
        "closed": Q(is_closed=True, closed_on__gte=Quarter.of(as_of).start, closed_on__lte=as_of),
    }


def inspections_by_kind(as_of: datetime.date) -> list[dict[str, Any]]:
    """One row per LabourInspection.Kind (every kind, zero included, in the choices' order):
    open, overdue and closed counts. One query."""
    conditions = _conditions(as_of)
    counted = {
        row["kind"]: row
        for row in LabourInspection.objects.order_by()
        .values("kind")
        .annotate(**{name: Count("pk", filter=q) for name, q in conditions.items()})
    }
    return [
        {
            "kind": kind.value,
            "label": str(kind.label),
            "open": counted.get(kind.value, {}).get("open", 0),
            "overdue": counted.get(kind.value, {}).get("overdue", 0),
            "closed": counted.get(kind.value, {}).get("closed", 0),
        }
        for kind in LabourInspection.Kind
    ]


def inspection_figures(
    as_of: datetime.date, by_kind: list[dict[str, Any]] | None = None
) -> dict[str, int]:
    """The report's keys (INSPECTION_FIGURE_KEYS): the totals over every kind."""
    rows = inspections_by_kind(as_of) if by_kind is None else by_kind
    return {
        "inspections_open": sum(r["open"] for r in rows),
        "inspections_overdue": sum(r["overdue"] for r in rows),
        "inspections_closed": sum(r["closed"] for r in rows),
    }


def inspection_snapshot(as_of: datetime.date) -> dict[str, Any]:
    """The 劳动监察 sheet's content as plain JSON (frozen with a report run): the counts by
    kind, and every finding open on `as_of` (enterprise, kind, subject, dates, overdue or not),
    nearest deadline first, those without one last."""
    by_kind = inspections_by_kind(as_of)
    findings = (
        LabourInspection.objects.filter(_conditions(as_of)["open"])
        .select_related("enterprise")
        .only(
            "enterprise__name",
            "enterprise__uscc",
            "kind",
            "subject",
            "inspected_on",
            "deadline",
        )
        .order_by(F("deadline").asc(nulls_last=True), "enterprise__name", "pk")
    )
    return {
        "by_kind": by_kind,
        "totals": inspection_figures(as_of, by_kind),
        "open_findings": [
            {
                "enterprise": f.enterprise.name,
                "uscc": f.enterprise.uscc,
                "kind": f.get_kind_display(),
                "subject": f.subject,
                "inspected_on": f.inspected_on.isoformat(),
                "deadline": f.deadline.isoformat() if f.deadline else None,
                "overdue": f.deadline is not None and f.deadline < as_of,
            }
            for f in findings
        ],
    }
