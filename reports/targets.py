"""Each report figure beside its target, the reform's baseline and the same period of the year
before (issue 15), for the 汇总 sheet, the officials' page and the Word document.

- The target is the FigureTarget of the period's year for that key, if staff set one.
- The baseline is the figures of the current BaselinePeriod (by default 2021Q3, the plan started
  on 2021-07-01); the year before is the same quarter (or month) one year earlier. Both come from
  the current built ReportRun of that period when there is one (what was reported stays what is
  compared), else they are computed with `report_figures` as of that period's end.
- A figure is behind its target when it is below it; for the few figures where less is better
  (LOWER_IS_BETTER) when it is above it. A figure with no value (a rate over nothing) or no
  target is never flagged.
- Changes against the year before: rates in percentage points (百分点), counts as differences.

Every value kept in a row is plain JSON (a frozen run stores the rows in its snapshot); rates
stay fractions as the kpis hold them, exact decimals stay strings.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.periods import Month, Period, Quarter
from reports.models import BaselinePeriod, FigureTarget, ReportRun
from reports.selectors import (
    DECIMAL_KEYS,
    FIGURE_KEYS,
    FIGURE_LABELS,
    RATE_KEYS,
    live_report_figures,
    report_period,
)

# Figures where a smaller number is the better one: behind target when above it.
LOWER_IS_BETTER = frozenset(
    {
        "inspections_open",
        "inspections_overdue",
        "fund_total_shortfall",
        "fund_undeclared_enterprises",
        "branches_without_three_meetings",
        "branches_without_themed_day",
    }
)
# Keys that are not measures (the year the fund figures cover): no target, no change.
NOT_COMPARED = frozenset({"fund_year"})

BEHIND = _("落后于目标")
DASH = "—"
_FOUR = Decimal("0.0001")
_TWO = Decimal("0.01")


def target_keys() -> list[tuple[str, str]]:
    """The figures a target may be set for, with their Chinese labels, in the report's order."""
    return [
        (key, str(FIGURE_LABELS.get(key, key))) for key in FIGURE_KEYS if key not in NOT_COMPARED
    ]


def target_value_check(key: str, value: Decimal | None) -> None:
    """A target fits its figure: a rate a fraction in [0, 1], a count a whole number ≥ 0, an
    exact decimal (hours, yuan) ≥ 0. Raises ValidationError with a Chinese message."""
    if value is None:
        return
    if key in RATE_KEYS:
        if not Decimal(0) <= value <= Decimal(1):
            raise ValidationError(
                gettext("比例类指标的目标应为 0 至 1 之间的小数（如 0.85 表示 85%）。"),
                code="rate_range",
            )
    elif value < 0:
        raise ValidationError(gettext("目标值不能为负数。"), code="negative")
    elif key not in DECIMAL_KEYS and value != value.to_integral_value():
        raise ValidationError(gettext("人数、企业数等计数类指标的目标应为整数。"), code="whole")


def baseline_period_check(kind: str, period: str) -> str:
    """The canonical name of a baseline period of `kind` ("2021Q3", "2021-07"); raises
    ValidationError with a Chinese message when it is not one."""
    try:
        return str(report_period(kind, period))
    except ValueError as exc:
        raise ValidationError(str(exc), code="period") from exc


# --- the comparison --------------------------------------------------------------------------


def _period_of(kind: str, period: str | Period) -> Period:
    return period if isinstance(period, Quarter | Month) else report_period(kind, str(period))


def _year_before(period: Period) -> Period:
    return type(period)(period.year - 1, period.number)


def period_kpis(kind: str, period: Period, today: datetime.date) -> dict[str, Any] | None:
    """A period's figures: those of its current built report if there is one, else computed
    as of its end (or `today` if earlier); None for a period that had not started by `today`."""
    run = (
        ReportRun.objects.filter(
            kind=kind, period=str(period), is_current=True, status=ReportRun.Status.DONE
        )
        .only("figures")
        .first()
    )
    if run is not None and run.figures:
        return dict(run.figures.get("kpis", {}))
    if period.start > today:
        return None
    return live_report_figures(period.as_of(today))


def current_baseline(kind: str) -> BaselinePeriod | None:
    """The current baseline of the report's kind, else the current quarterly one."""
    rows = list(BaselinePeriod.objects.filter(is_current=True))
    for wanted in (kind, ReportRun.Kind.QUARTERLY):
        for row in rows:
            if row.kind == wanted:
                return row
    return None


def _number(key: str, value: Any) -> Decimal | None:
    """A figure or target as an exact number; None for none (or anything not a number)."""
    if value is None or value == "" or isinstance(value, bool | dict | list):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _json(key: str, value: Decimal | None) -> Any:
    """A target as the kpis hold a figure of the key: rates as numbers, counts whole, exact
    decimals as strings."""
    if value is None:
        return None
    if key in RATE_KEYS:
        return float(value.quantize(_FOUR))
    if key in DECIMAL_KEYS:
        return format(value.normalize(), "f")
    return int(value) if value == value.to_integral_value() else float(value)


def display(key: str, value: Any) -> str:
    """A figure as the pages show it: rates as percentages with two decimals, "—" for none."""
    if value is None or value == "":
        return DASH
    number = _number(key, value)
    if key in RATE_KEYS and number is not None:
        return "%s%%" % (number * 100).quantize(_TWO, rounding=ROUND_HALF_UP)
    return str(value)


def change_display(key: str, change: Any) -> str:
    """A change against the year before: rates in 百分点, counts as signed differences."""
    if change is None:
        return DASH
    sign = "+" if Decimal(str(change)) > 0 else ""
    if key in RATE_KEYS:
        points = Decimal(str(change)).quantize(_TWO, rounding=ROUND_HALF_UP)
        return gettext("%(sign)s%(points)s 个百分点") % {"sign": sign, "points": points}
    return "%s%s" % (sign, change)


def is_behind(key: str, value: Any, target: Any) -> bool:
    number, goal = _number(key, value), _number(key, target)
    if number is None or goal is None or key in NOT_COMPARED:
        return False
    return number > goal if key in LOWER_IS_BETTER else number < goal


def _change(key: str, value: Any, before: Any) -> Any:
    now, then = _number(key, value), _number(key, before)
    if now is None or then is None or key in NOT_COMPARED:
        return None
    if key in RATE_KEYS:  # percentage points, exact: 0.8125 − 0.8 = 1.25 个百分点
        return float(((now - then) * 100).quantize(_TWO, rounding=ROUND_HALF_UP))
    if key in DECIMAL_KEYS:
        return format(now - then, "f")
    return int(now - then)


def comparison_row(
    key: str,
    value: Any,
    target: Any,
    baseline: Any,
    year_before: Any,
) -> dict[str, Any]:
    """One figure's row (plain JSON) with its display strings."""
    behind = is_behind(key, value, target)
    change = _change(key, value, year_before)
    return {
        "key": key,
        "label": str(FIGURE_LABELS.get(key, key)),
        "is_rate": key in RATE_KEYS,
        "value": value,
        "target": target,
        "baseline": baseline,
        "year_before": year_before,
        "change": change,
        "behind": behind,
        "value_display": display(key, value),
        "target_display": display(key, target),
        "baseline_display": display(key, baseline),
        "year_before_display": display(key, year_before),
        "change_display": change_display(key, change),
        "behind_display": str(BEHIND) if behind else "",
    }


def figure_comparisons(
    kind: str, period: str | Period, kpis: dict[str, Any], as_of: datetime.date
) -> list[dict[str, Any]]:
    """One row per figure of `kpis` (in their order): key, label, value, target (of the
    period's year), baseline (the current baseline period's value), year_before (the same
    period one year earlier), change (against the year before), behind (bool) and the display
    strings (`*_display`). Plain JSON: a report run keeps the rows in its snapshot."""
    shown = _period_of(kind, period)
    targets = {
        key: _json(key, value)
        for key, value in FigureTarget.objects.filter(year=shown.year).values_list("key", "value")
    }
    base = current_baseline(kind)
    baseline_kpis: dict[str, Any] = {}
    if base is not None:
        try:
            base_period = report_period(base.kind, base.period)
        except ValueError:
            base_period = None
        if base_period is not None:
            baseline_kpis = period_kpis(base.kind, base_period, as_of) or {}
    try:
        before = _year_before(shown)
    except ValueError:  # the year 1 has no year before
        before_kpis: dict[str, Any] = {}
    else:
        before_kpis = period_kpis(kind, before, as_of) or {}
    return [
        comparison_row(
            key,
            value,
            None if key in NOT_COMPARED else targets.get(key),
            None if key in NOT_COMPARED else baseline_kpis.get(key),
            None if key in NOT_COMPARED else before_kpis.get(key),
        )
        for key, value in kpis.items()
    ]


def stored_comparisons(kpis: dict[str, Any], rows: list[dict[str, Any]] | None) -> list[dict]:
    """The rows a frozen run stored, one per figure of its kpis; a run frozen before the
    comparison existed (or a figure it lacks a row for) shows "—" in each column."""
    by_key = {row["key"]: row for row in rows or []}
    return [
        by_key.get(key) or comparison_row(key, value, None, None, None)
        for key, value in kpis.items()
    ]


def quarter_comparisons(report: dict[str, Any]) -> list[dict[str, Any]]:
    """`figure_comparisons` for a `quarter_report` object (the officials' live table)."""
    return figure_comparisons(
        ReportRun.Kind.QUARTERLY,
        report["quarter"],
        report["kpis"],
        datetime.date.fromisoformat(report["as_of"]),
    )


def with_comparisons(
    rows: list[dict[str, Any]], comparisons: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """The page's figure rows, each with its comparison row under "comparison" (a figure with
    none, e.g. in a run frozen before issue 15, gets one showing "—")."""
    by_key = {row["key"]: row for row in comparisons or []}
    for row in rows:
        row["comparison"] = by_key.get(row["key"]) or comparison_row(
            row["key"], row.get("value"), None, None, None
        )
    return rows
