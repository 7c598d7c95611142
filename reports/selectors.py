"""The report figures of DOMAIN.md, computed from the registers with a few aggregate queries.

One selector serves the `build_report` command, the officials' page and (later) the quarterly
workbook, so every place shows the same number for the same date.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.figures import DEMOCRATIC_FIGURE_KEYS, DEMOCRATIC_FIGURE_LABELS, democratic_figures
from compliance.inspection_figures import (
    INSPECTION_FIGURE_KEYS,
    INSPECTION_FIGURE_LABELS,
    inspection_figures,
    inspection_snapshot,
)
from compliance.models import LabourInspection
from compliance.selectors import enterprises_without_wage_contract, wage_contracts_expiring
from core.periods import Month, Period, Quarter
from core.rates import rate
from core.roles import Role, has_role, is_sub_district_staff
from enterprises.models import Enterprise
from honors.figures import (
    HONOURS_FIGURE_LABELS,
    honours_breakdown,
    honours_by_name_and_level,
    honours_figures,
)
from honors.selectors import craftsman_pool_size, rounds_of_period, studio_results_by_group
from party.figures import PARTY_FIGURE_KEYS, PARTY_FIGURE_LABELS, party_figures, party_snapshot
from party.selectors import representative_figures
from reports.cache import cached_figures
from reports.models import ReportRun
from training.figures import SKILLS_FIGURE_LABELS, skills_figures, skills_row
from training.selectors import fund_figures
from unions.selectors import coverage_dashboard, union_coverage_counts
from workers.figures import worker_figures

# Issue 15: what the report adds to DOMAIN.md's fund figures for the fund year.
FUND_EXTRA_KEYS = (
    "fund_extraction_compliance_rate",
    "fund_frontline_compliance_rate",
    "fund_total_shortfall",
    "fund_undeclared_enterprises",
)


def fund_year_of(as_of: datetime.date) -> int:
    """The year the fund figures cover: the year before the reported period's year; a year's
    declaration is made once its payroll is known, after it ends (DOMAIN.md: fund_year)."""
    return as_of.year - 1


def fund_extra_figures(funds: dict[str, Any]) -> dict[str, Any]:
    """FUND_EXTRA_KEYS from `training.selectors.fund_figures`: the shortfall as an exact
    two-decimal string ("1234.50"), like training_hours."""
    return {
        "fund_extraction_compliance_rate": funds["fund_extraction_compliance_rate"],
        "fund_frontline_compliance_rate": funds["fund_frontline_compliance_rate"],
        "fund_total_shortfall": format(
            funds["fund_total_shortfall"].quantize(Decimal("0.01")), "f"
        ),
        "fund_undeclared_enterprises": len(funds["enterprises_not_declared"]),
    }


# The keys of DOMAIN.md's report-figure table, in its order.
DOMAIN_FIGURE_KEYS = (
    "enterprises_total",
    "enterprises_above_scale",
    "enterprises_with_union",
    "enterprises_above_scale_with_union",
    "union_establishment_rate",
    "union_establishment_rate_above_scale",
    "workers_total",
    "frontline_workers",
    "union_members",
    "union_membership_rate",
    "frontline_party_members",
    "frontline_party_member_rate",
    "skilled_workers",
    "skilled_worker_rate",
    "high_skilled_workers",
    "high_skilled_worker_rate",
    # Issue 15: the Zhejiang convention, high-skilled ÷ skilled, beside the share of all workers.
    "high_skilled_share_of_skilled",
    "technicians_total",
    "fund_year",
    "fund_declarations",
    "fund_extraction_compliant",
    "fund_frontline_compliant",
    # Issue 13: skills and lifelong learning (seed measures 4–7).
    "trained_workers",
    "training_rate",
    "frontline_trained_workers",
    "frontline_training_rate",
    "training_hours",
    "technicians_stable_contract",
    "technicians_stable_contract_rate",
    "competition_awardees",
    # Issue 14: honours, model workers and craftsmen (seed measures 3 and 7).
    "honours_individual",
    "honours_team",
    "model_workers",
    "craftsmen",
)
# Figures the issues add after DOMAIN.md's table (issue 4: worker representatives, seed measure 9).
FIGURE_KEYS = (
    *DOMAIN_FIGURE_KEYS,
    "worker_representatives",
    "frontline_representatives",
    "frontline_representative_rate",
    # Issue 15: the fund year's rates, shortfall and undeclared enterprises; party organisation
    # (seed measure 1); labour inspections (seed measure 8).
    *FUND_EXTRA_KEYS,
    *PARTY_FIGURE_KEYS,
    *INSPECTION_FIGURE_KEYS,
    # Issue 15: democratic management (seed measure 9).
    *DEMOCRATIC_FIGURE_KEYS,
)

FIGURE_LABELS = {
    "enterprises_total": _("企业总数"),
    "enterprises_above_scale": _("规上企业数"),
    "enterprises_with_union": _("已建工会（含联合工会覆盖）企业数"),
    "enterprises_above_scale_with_union": _("已建工会的规上企业数"),
    "union_establishment_rate": _("工会组建率"),
    "union_establishment_rate_above_scale": _("规上企业工会组建率"),
    "workers_total": _("在职职工数"),
    "frontline_workers": _("一线职工数"),
    "union_members": _("工会会员数"),
    "union_membership_rate": _("入会率"),
    "frontline_party_members": _("一线职工党员数"),
    "frontline_party_member_rate": _("一线职工党员比例"),
    "skilled_workers": _("技能人才数"),
    "skilled_worker_rate": _("技能人才占比"),
    "high_skilled_workers": _("高技能人才数"),
    "high_skilled_worker_rate": _("高技能人才占比"),
    "high_skilled_share_of_skilled": _("高技能人才占技能人才比例"),
    "technicians_total": _("技师及以上人数"),
    "fund_year": _("经费年度"),
    "fund_declarations": _("教育培训经费申报数"),
    "fund_extraction_compliant": _("经费足额提取（8%）企业数"),
    "fund_frontline_compliant": _("一线使用达标（60%）企业数"),
    **SKILLS_FIGURE_LABELS,
    **HONOURS_FIGURE_LABELS,
    "worker_representatives": _("产业工人代表（党代表、人大代表、政协委员、群团挂兼职）人数"),
    "frontline_representatives": _("其中一线职工人数"),
    "frontline_representative_rate": _("代表中一线职工比例"),
    "fund_extraction_compliance_rate": _("经费足额提取达标率"),
    "fund_frontline_compliance_rate": _("一线使用达标率"),
    "fund_total_shortfall": _("教育培训经费提取缺口合计（元）"),
    "fund_undeclared_enterprises": _("未申报教育培训经费企业数"),
    **PARTY_FIGURE_LABELS,
    **INSPECTION_FIGURE_LABELS,
    **DEMOCRATIC_FIGURE_LABELS,
}
RATE_KEYS = frozenset(
    {
        *(key for key in FIGURE_KEYS if key.endswith("_rate") or "_rate_" in key),
        "high_skilled_share_of_skilled",  # a rate named as a share (issue 15)
    }
)
# Exact decimals, kept as strings in the JSON ("1234.5"); shown and compared as numbers.
DECIMAL_KEYS = frozenset({"training_hours", "fund_total_shortfall"})


def report_figures(
    *,
    as_of: datetime.date,
    workers: dict[str, int] | None = None,
    democratic: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every figure of DOMAIN.md's table as of `as_of`, in the table's order.

    `workers` may pass the overall worker counts of `workers.figures.worker_figures` (with
    `sets=True`) for the same date when the caller has them already (the report snapshot), and
    `democratic` what `compliance.figures.democratic_figures` returns for it.
    """
    enterprises = Enterprise.objects.aggregate(
        total=Count("pk"), above_scale=Count("pk", filter=Q(is_above_scale=True))
    )
    coverage = union_coverage_counts(as_of)
    with_union = coverage["with_union"]
    above_scale_with_union = coverage["above_scale_with_union"]

    by_enterprise = None
    if workers is None:
        computed = worker_figures(as_of, ("overall", "enterprise"), sets=True)
        workers, by_enterprise = computed["overall"][None], computed["enterprise"]
    # Declarations for the fund year, each against that year's rule (DOMAIN.md: fund_year).
    fund_year = fund_year_of(as_of)
    # As the declarations stood on the date: one submitted later is not counted (issue 16).
    funds = fund_figures(fund_year, as_of=as_of)

    figures = {
        "enterprises_total": enterprises["total"],
        "enterprises_above_scale": enterprises["above_scale"],
        "enterprises_with_union": with_union,
        "enterprises_above_scale_with_union": above_scale_with_union,
        "union_establishment_rate": rate(with_union, enterprises["total"]),
        "union_establishment_rate_above_scale": rate(
            above_scale_with_union, enterprises["above_scale"]
        ),
        "workers_total": workers["workers"],
        "frontline_workers": workers["frontline"],
        "union_members": workers["members"],
        "union_membership_rate": rate(workers["members"], workers["workers"]),
        "frontline_party_members": workers["frontline_party"],
        "frontline_party_member_rate": rate(workers["frontline_party"], workers["frontline"]),
        "skilled_workers": workers["skilled"],
        "skilled_worker_rate": rate(workers["skilled"], workers["workers"]),
        "high_skilled_workers": workers["high_skilled"],
        "high_skilled_worker_rate": rate(workers["high_skilled"], workers["workers"]),
        "high_skilled_share_of_skilled": rate(workers["high_skilled"], workers["skilled"]),
        "technicians_total": workers["technicians"],
        "fund_year": fund_year,
        "fund_declarations": funds["fund_declarations"],
        "fund_extraction_compliant": funds["fund_extraction_compliant"],
        "fund_frontline_compliant": funds["fund_frontline_compliant"],
        # Training, technicians' contracts and competitions (issue 13).
        **skills_figures(as_of, workers),
        # Honours of the year, model workers and craftsmen (issue 14).
        **honours_figures(as_of, workers),
    }
    representatives = representative_figures(as_of)
    figures["worker_representatives"] = representatives["representatives"]
    figures["frontline_representatives"] = representatives["frontline_representatives"]
    figures["frontline_representative_rate"] = representatives["frontline_representative_rate"]
    # Issue 15 (helper 5): fund year's rates, party organisation, labour inspections.
    figures.update(fund_extra_figures(funds))
    figures.update(party_figures(as_of, enterprises_total=enterprises["total"]))
    figures.update(inspection_figures(as_of))
    # Issue 15 (helper 6): democratic management; the snapshot's 民主管理 part is the same pass.
    if democratic is None:
        democratic = democratic_figures(as_of, by_enterprise)
    figures.update({key: democratic["kpis"][key] for key in DEMOCRATIC_FIGURE_KEYS})
    assert tuple(figures) == FIGURE_KEYS  # nosec B101 # an internal invariant, not an input check
    return figures


def live_report_figures(as_of: datetime.date) -> dict[str, Any]:
    """`report_figures(as_of=as_of)`, from the cache while none of the tables it reads has
    changed (reports.cache): the officials' page and `build_report --json`; a report run's
    snapshot computes its own."""
    return cached_figures(as_of, lambda day: report_figures(as_of=day))


def quarter_report(quarter: str, today: datetime.date | None = None) -> dict[str, Any]:
    """The `build_report --json` object (INTERFACES.md); `quarter` as `Quarter.parse` reads it."""
    period = Quarter.parse(quarter)
    as_of = period.as_of(today)
    return {
        "quarter": str(period),
        "as_of": as_of.isoformat(),
        "kpis": live_report_figures(as_of),
    }


# --- Periods and frozen snapshots of the periodic reports (issue 6) --------------------------


def _period_type(kind: str) -> type[Quarter] | type[Month]:
    return Quarter if kind == "quarterly" else Month


def report_period(kind: str, period: str) -> Period:
    """The quarter ('2026Q4') or month ('2026-11') a report of `kind` covers; raises
    ValueError with a Chinese message."""
    return _period_type(kind).parse(period)


def last_complete_period(kind: str, today: datetime.date | None = None) -> Period:
    """The period that ended most recently (what the scheduled run reports on)."""
    return _period_type(kind).of(today or timezone.localdate()).previous()


def _group_rows(rows: list[Any], counts: dict[Any, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {
            "label": row.label,
            "filters": row.filters,
            "enterprises": row.enterprises,
            "covered": row.covered,
            "union_establishment_rate": row.establishment_rate,
            "workers": row.workers,
            "members": row.members,
            "union_membership_rate": row.membership_rate,
            "frontline": row.frontline,
            "frontline_party": row.frontline_party,
            "frontline_party_member_rate": row.frontline_party_rate,
            **skills_row(counts.get(row.key, {})),
        }
        for row in rows
    ]


def round_rows(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """The nomination rounds of the period from `start` to `end` (`honors.selectors.
    rounds_of_period`) as plain JSON (the 劳模工匠 sheet and the officials' page): each round's
    title, honour, level, quota, window, 公示, status and its nominations: made (not
    withdrawn), accepted at review, taken out by an objection, approved. Counts only."""
    return [
        {
            "title": r.title,
            "honour": r.get_honour_name_display(),
            "level": r.get_level_display(),
            "quota": r.quota,
            "opens_on": r.opens_on.isoformat(),
            "closes_on": r.closes_on.isoformat(),
            "publicity_starts_on": (
                r.publicity_starts_on.isoformat() if r.publicity_starts_on else None
            ),
            "publicity_ends_on": r.publicity_ends_on.isoformat() if r.publicity_ends_on else None,
            "status": r.get_status_display(),
            "submitted": r.nominated,  # type: ignore[attr-defined]
            "accepted": r.passed,  # type: ignore[attr-defined]
            "objected": r.objected,  # type: ignore[attr-defined]
            "approved": r.honoured,  # type: ignore[attr-defined]
        }
        for r in rounds_of_period(start, end)
    ]


STUDIO_TOTALS = ("studios", "patents", "process_improvements", "savings_yuan", "trainees")


def honours_snapshot(
    as_of: datetime.date,
    workers: dict[str, dict[Any, dict[str, int]]],
    start: datetime.date,
    end: datetime.date,
) -> dict[str, Any]:
    """The 劳模工匠 sheet's content as plain JSON (seed measures 3 and 7): the year's honours by
    name and level, the craftsman pool's size, active model workers and craftsmen with the
    innovation studios and their results of the year by village/community and park, and the
    nomination rounds of the period (`start` … `end`). Counts only: no person is named."""
    people = honours_breakdown(workers)
    studios = studio_results_by_group(as_of.year)
    by_village = {row["id"]: row for row in studios["village"]}
    by_park = {row["id"]: row for row in studios["park"]}
    # The studios of enterprises in no park: all of them less those in one.
    outside = {
        key: studios["total"][key] - sum(row[key] for row in studios["park"])
        for key in STUDIO_TOTALS
    }
    by_park[None] = outside

    def row(label: str, counts: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
        return {
            "label": label,
            "model_workers": counts.get("model_workers", 0),
            "craftsmen": counts.get("craftsmen", 0),
            "studios": results.get("studios", 0),
            "patents": results.get("patents", 0),
            "process_improvements": results.get("process_improvements", 0),
            "savings_yuan": format(results.get("savings_yuan", Decimal("0.00")), "f"),
            "trainees": results.get("trainees", 0),
        }

    return {
        "by_name_and_level": honours_by_name_and_level(as_of.year),
        "pool_size": craftsman_pool_size(as_of),
        "overall": row(str(_("全街道")), workers["overall"][None], studios["total"]),
        "villages": [row(r["label"], r, by_village.get(r["key"], {})) for r in people["villages"]],
        "parks": [row(r["label"], r, by_park.get(r["key"], {})) for r in people["parks"]],
        "rounds": round_rows(start, end),
    }


def report_snapshot(
    as_of: datetime.date,
    workers: dict[str, dict[Any, dict[str, int]]] | None = None,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, Any]:
    """Every report figure as of `as_of` with the village, park and size breakdowns, as plain
    JSON (what a report run freezes). Aggregates only: no worker is named. `workers`: what
    `worker_figures(as_of, sets=True)` returns, when the caller has it. `start` … `end`: the
    period reported on, for its nomination rounds (default: the quarter of `as_of`)."""

    if workers is None:
        workers = worker_figures(as_of, sets=True)
    dashboard = coverage_dashboard(as_of, workers)
    funds = fund_figures(fund_year_of(as_of), as_of=as_of)
    democratic = democratic_figures(as_of, workers["enterprise"])
    return {
        "as_of": as_of.isoformat(),
        "kpis": report_figures(
            as_of=as_of, workers=workers["overall"][None], democratic=democratic
        ),
        "fund_total_shortfall": format(funds["fund_total_shortfall"], "f"),
        "fund_not_declared": len(funds["enterprises_not_declared"]),
        # The 党建 and 劳动监察 sheets (issue 15); a report frozen before has no such keys.
        "party": party_snapshot(as_of),
        "inspections": inspection_snapshot(as_of),
        "compliance": {
            "wage_contracts_expiring": wage_contracts_expiring(as_of).count(),
            "enterprises_without_wage_contract": enterprises_without_wage_contract(as_of).count(),
            "labour_inspections_overdue": LabourInspection.objects.overdue_on(as_of).count(),
        },
        "villages": _group_rows(dashboard.rows["village"], workers["village"]),
        "parks": _group_rows(dashboard.rows["park"], workers["park"]),
        "above_scale": _group_rows(dashboard.rows["above_scale"], workers["above_scale"]),
        # The whole sub-district's line of the 技能培训 sheet (active workers, as the groups).
        "skills_overall": skills_row(workers["overall"][None]),
        # The 劳模工匠 sheet (issue 14); a report frozen before it has no such key.
        "honours": honours_snapshot(
            as_of,
            workers,
            start or Quarter.of(as_of).start,
            end or Quarter.of(as_of).end,
        ),
        # The 民主管理 sheet (issue 15, seed measure 9); a report frozen before has no such key.
        "democratic": democratic,
    }


def report_runs_visible_to(user: Any) -> QuerySet[Any]:
    """Officials and staff see every report (aggregates only); others none."""

    if is_sub_district_staff(user) or has_role(user, Role.OFFICIAL):
        return ReportRun.objects.select_related("requested_by").order_by(
            "-period", "kind", "-version"
        )
    return ReportRun.objects.none()


def current_quarterly_reports(user: Any, today: datetime.date | None = None) -> list[ReportRun]:
    """The current built version of each quarter's report up to this quarter, oldest first:
    the officials' latest report and its trend. A report of a quarter that has not started
    (requested before such requests were refused) is never shown as the latest."""
    this_quarter = Quarter.of(today or timezone.localdate())
    return list(
        report_runs_visible_to(user)
        .filter(
            kind=ReportRun.Kind.QUARTERLY,
            is_current=True,
            status=ReportRun.Status.DONE,
            # "2026Q4" names sort as their quarters do (four-digit years).
            period__lte=str(this_quarter),
        )
        .order_by("period")
        .select_related(None)
        .only("pk", "period", "as_of", "figures")
    )


def trend_chart(
    series: list[tuple[str, dict[str, Any]]], keys: tuple[str, ...], width: int = 640
) -> dict[str, Any]:
    """SVG coordinates of each rate over the periods (drawn by the portal, no chart library)."""
    height, left, top, bottom = 200, 40, 10, 30
    count = len(series)
    step = (width - left - 20) / max(count - 1, 1)
    colours = ["#b02a37", "#0d6efd", "#198754", "#fd7e14", "#6f42c1"]
    lines = []
    for index, key in enumerate(keys):
        points = []
        for position, (_period, figures) in enumerate(series):
            value = figures.get("kpis", {}).get(key)
            if value is None:
                continue
            x = left + position * step
            y = top + (1 - float(value)) * (height - top - bottom)
            points.append("%.1f,%.1f" % (x, y))
        lines.append(
            {
                "key": key,
                "label": FIGURE_LABELS[key],
                "colour": colours[index % len(colours)],
                "points": " ".join(points),
            }
        )
    labels = [
        {"x": "%.1f" % (left + position * step), "text": period}
        for position, (period, _figures) in enumerate(series)
    ]
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "labels": labels,
        "count": count,
        "grid": [
            {"y": "%.1f" % (top + (1 - p / 100) * (height - top - bottom)), "text": "%d%%" % p}
            for p in (0, 25, 50, 75, 100)
        ],
        "baseline": height - bottom + 16,
    }
