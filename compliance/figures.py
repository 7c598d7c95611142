"""Democratic management's part of the report figures (seed measure 9, issue 15).

As of a day (the quarter's last day, or today if earlier), per enterprise:
- held a 职代会 in the 12 months up to the day (held_on in (day − 12 months, day]);
- published 厂务公开 in the quarter (disclosed_on from the quarter's first day up to the day);
- has a wage contract in force on the day (start_date ≤ day ≤ end_date);
each counted over every enterprise and over those with 25 or more active workers on the day
(DOMAIN.md: a unit of 25 or more should have its own organisation), overall and by
village/community, park and size (规上/规下, the groups the report's other sheets use), with the
enterprises missing each.

Only confirmed records count (confirmed_at set: staff entered the record or confirmed an HR
entry). When it was confirmed does not matter: a confirmed record counts for the dates it names;
a report run keeps what it froze.

The records come from one query (`compliance.selectors.democratic_management_summary`: Exists
subqueries per enterprise), the active workers per enterprise from `workers.figures` (the counts
every report figure and the coverage dashboard use: distinct workers, cached per day), both
rolled up in Python.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compliance.selectors import democratic_management_summary
from core.rates import rate
from workers.figures import worker_figures

# An enterprise of this many active workers or more should hold its own 职代会 (DOMAIN.md).
WORKERS_THRESHOLD = 25

# (name in the rows, annotation of the summary, report key prefix)
MEASURES = (
    ("congress", "held_congress", "dm_congress"),
    ("disclosure", "disclosed", "dm_disclosure"),
    ("wage_contract", "has_wage_contract", "dm_wage_contract"),
)

DEMOCRATIC_FIGURE_KEYS = (
    "enterprises_25_plus",
    "dm_congress_enterprises",
    "dm_congress_rate",
    "dm_congress_rate_25",
    "dm_disclosure_enterprises",
    "dm_disclosure_rate",
    "dm_disclosure_rate_25",
    "dm_wage_contract_enterprises",
    "dm_wage_contract_rate",
    "dm_wage_contract_rate_25",
)

# The report's labels of these keys (reports.selectors.FIGURE_LABELS uses them).
DEMOCRATIC_FIGURE_LABELS = {
    "enterprises_25_plus": _("在职职工25人及以上企业数"),
    "dm_congress_enterprises": _("近12个月召开职代会企业数"),
    "dm_congress_rate": _("职代会召开率（全部企业）"),
    "dm_congress_rate_25": _("职代会召开率（25人及以上企业）"),
    "dm_disclosure_enterprises": _("本季度厂务公开企业数"),
    "dm_disclosure_rate": _("厂务公开率（全部企业）"),
    "dm_disclosure_rate_25": _("厂务公开率（25人及以上企业）"),
    "dm_wage_contract_enterprises": _("工资集体协商合同有效企业数"),
    "dm_wage_contract_rate": _("工资集体协商覆盖率（全部企业）"),
    "dm_wage_contract_rate_25": _("工资集体协商覆盖率（25人及以上企业）"),
}

# The columns of a group's row: (key, label), in the 民主管理 sheet's order.
ROW_COLUMNS = (
    ("enterprises", _("企业数")),
    ("enterprises_25", _("25人及以上企业数")),
    ("congress", _("近12个月召开职代会")),
    ("congress_rate", _("职代会召开率")),
    ("congress_25", _("其中25人及以上")),
    ("congress_rate_25", _("25人及以上召开率")),
    ("disclosure", _("本季度厂务公开")),
    ("disclosure_rate", _("厂务公开率")),
    ("disclosure_25", _("其中25人及以上")),
    ("disclosure_rate_25", _("25人及以上公开率")),
    ("wage_contract", _("工资集体协商合同有效")),
    ("wage_contract_rate", _("工资集体协商覆盖率")),
    ("wage_contract_25", _("其中25人及以上")),
    ("wage_contract_rate_25", _("25人及以上覆盖率")),
)


class _Tally:
    """Counts of one group: enterprises, those of 25 or more, and each measure of both."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, enterprise: Any, big: bool) -> None:
        self.counts["enterprises"] += 1
        self.counts["enterprises_25"] += big
        for name, annotation, _prefix in MEASURES:
            if getattr(enterprise, annotation):
                self.counts[name] += 1
                self.counts[name + "_25"] += big

    def row(self, label: str) -> dict[str, Any]:
        c = self.counts
        row: dict[str, Any] = {
            "label": label,
            "enterprises": c["enterprises"],
            "enterprises_25": c["enterprises_25"],
        }
        for name, _annotation, _prefix in MEASURES:
            row[name] = c[name]
            row[name + "_rate"] = rate(c[name], c["enterprises"])
            row[name + "_25"] = c[name + "_25"]
            row[name + "_rate_25"] = rate(c[name + "_25"], c["enterprises_25"])
        return row


def _kpis(row: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {"enterprises_25_plus": row["enterprises_25"]}
    for name, _annotation, prefix in MEASURES:
        figures[prefix + "_enterprises"] = row[name]
        figures[prefix + "_rate"] = row[name + "_rate"]
        figures[prefix + "_rate_25"] = row[name + "_rate_25"]
    return figures


def democratic_figures(
    as_of: datetime.date, workers: dict[Any, dict[str, int]] | None = None
) -> dict[str, Any]:
    """Everything of measure 9 as of `as_of`, as plain JSON (the 民主管理 sheet, frozen with a
    report run). `workers`: the "enterprise" group of `worker_figures(as_of)` when the caller
    has it. Returns `kpis` (DEMOCRATIC_FIGURE_KEYS), `overall`, `villages`, `parks` and
    `above_scale` rows (ROW_COLUMNS with a label), and `missing`: for each measure the
    enterprises without it, above-scale first then by name, each with its village, park and
    whether it has 25 or more workers. Enterprise names only: no person."""
    overall = _Tally()
    groups: dict[str, dict[Any, _Tally]] = {
        "village": defaultdict(_Tally),
        "park": defaultdict(_Tally),
        "above_scale": defaultdict(_Tally),
    }
    names: dict[str, dict[Any, str]] = {"village": {}, "park": {}}
    missing: dict[str, list[dict[str, Any]]] = {name: [] for name, _a, _p in MEASURES}
    if workers is None:
        workers = worker_figures(as_of, ("enterprise",))["enterprise"]
    for enterprise in democratic_management_summary(as_of):
        big = workers.get(enterprise.pk, {}).get("workers", 0) >= WORKERS_THRESHOLD
        overall.add(enterprise, big)
        groups["village"][enterprise.village_id].add(enterprise, big)
        names["village"][enterprise.village_id] = enterprise.village.name
        groups["park"][enterprise.park_id].add(enterprise, big)
        if enterprise.park is not None:
            names["park"][enterprise.park_id] = enterprise.park.name
        groups["above_scale"][enterprise.is_above_scale].add(enterprise, big)
        for name, annotation, _prefix in MEASURES:
            if not getattr(enterprise, annotation):
                missing[name].append(
                    {
                        "name": enterprise.name,
                        "village": enterprise.village.name,
                        "park": enterprise.park.name if enterprise.park is not None else "",
                        "is_above_scale": enterprise.is_above_scale,
                        "workers_25_plus": big,
                    }
                )

    total = overall.row(gettext("全街道"))
    villages = sorted(
        (tally.row(names["village"][key]) for key, tally in groups["village"].items()),
        key=lambda r: r["label"],
    )
    parks = sorted(
        (tally.row(names["park"][key]) for key, tally in groups["park"].items() if key is not None),
        key=lambda r: r["label"],
    )
    if None in groups["park"]:
        parks.append(groups["park"][None].row(gettext("不在园区")))
    sizes = [
        groups["above_scale"][key].row(label)
        for key, label in ((True, gettext("规上企业")), (False, gettext("规下企业")))
        if key in groups["above_scale"]
    ]
    return {
        "as_of": as_of.isoformat(),
        "kpis": _kpis(total),
        "overall": total,
        "villages": villages,
        "parks": parks,
        "above_scale": sizes,
        "missing": missing,
    }
