"""Reads of union organisations and coverage; figures are computed as of a date from the
coverage history (an enterprise may join or leave a joint union)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils.translation import gettext_lazy as _

from core.rates import rate
from enterprises.filters import filter_by_groups
from enterprises.models import Enterprise, IndustrialPark, Village
from unions.models import UnionCoverage, UnionOrganisation
from workers.figures import worker_figures
from workers.models import Employment


def enterprises_with_union_on(
    day: datetime.date, enterprises: QuerySet[Enterprise] | None = None
) -> QuerySet[Enterprise]:
    """Enterprises covered on `day` by their own or a joint union (DOMAIN.md: 工会组建率)."""
    enterprises = Enterprise.objects.all() if enterprises is None else enterprises
    covered = UnionCoverage.objects.active_on(day).filter(enterprise=OuterRef("pk"))
    return enterprises.filter(Exists(covered))


def union_coverage_counts(day: datetime.date) -> dict[str, int]:
    """Covered enterprises in all and among above-scale ones, in one query; an enterprise
    covered by two unions counts once."""
    return enterprises_with_union_on(day).aggregate(
        with_union=Count("pk"),
        above_scale_with_union=Count("pk", filter=Q(is_above_scale=True)),
    )


def _enterprise_figures(day: datetime.date, group: str) -> dict[Any, dict[str, int]]:
    # An uncorrelated IN: PostgreSQL hashes the coverage rows once (a correlated EXISTS would
    # probe the coverage index once per enterprise: tens of milliseconds at 30,000).
    covered = Q(pk__in=UnionCoverage.objects.active_on(day).values("enterprise_id"))
    rows = (
        Enterprise.objects.values(group)
        .order_by()
        .annotate(enterprises=Count("pk"), covered=Count("pk", filter=covered))
    )
    return {row.pop(group): row for row in rows}


@dataclass
class CoverageRow:
    """One line of the coverage dashboard: a group of enterprises and their workers."""

    label: str
    filters: dict[str, str]
    enterprises: int = 0
    covered: int = 0
    workers: int = 0
    members: int = 0
    frontline: int = 0
    frontline_party: int = 0
    # By the effective skill level on the day (DOMAIN.md: roster or a higher certificate).
    skilled: int = 0
    high_skilled: int = 0
    technicians: int = 0
    # The group's key in workers.figures (village/park pk, None for no park, True/False).
    key: Any = None

    @property
    def filter_query(self) -> str:
        """The list behind this line, as query-string parameters."""
        return urlencode(self.filters)

    @property
    def uncovered(self) -> int:
        return self.enterprises - self.covered

    @property
    def establishment_rate(self) -> float | None:
        return rate(self.covered, self.enterprises)

    @property
    def membership_rate(self) -> float | None:
        return rate(self.members, self.workers)

    @property
    def frontline_party_rate(self) -> float | None:
        return rate(self.frontline_party, self.frontline)

    @property
    def skilled_rate(self) -> float | None:
        return rate(self.skilled, self.workers)

    @property
    def high_skilled_rate(self) -> float | None:
        return rate(self.high_skilled, self.workers)


# Group → its field on Enterprise.
_GROUPS = {"village": "village_id", "park": "park_id", "above_scale": "is_above_scale"}


def _worker_counts(counts: dict[str, int]) -> dict[str, int]:
    return {
        key: counts.get(key, 0)
        for key in (
            "workers",
            "members",
            "frontline",
            "frontline_party",
            "skilled",
            "high_skilled",
            "technicians",
        )
    }


@dataclass
class CoverageDashboard:
    rows: dict[str, list[CoverageRow]]  # "overall", "village", "park", "above_scale"
    enterprise_counts: dict[Any, dict[str, int]]  # enterprise pk → worker counts


def coverage_dashboard(
    day: datetime.date, workers_by_group: dict[str, dict[Any, dict[str, int]]] | None = None
) -> CoverageDashboard:
    """Union establishment and membership overall, by village/community, by industrial park and
    above-scale vs. others, as of `day`. The overall line comes from the same inputs as the
    report's figures (`union_coverage_counts` and `workers.figures.worker_figures`), so the
    dashboard and `build_report` agree for the same date."""
    names: dict[str, dict[Any, str]] = {
        "village": dict(Village.objects.values_list("pk", "name")),
        "park": dict(IndustrialPark.objects.values_list("pk", "name")),
        "above_scale": {True: str(_("规上企业")), False: str(_("规下企业"))},
    }
    if workers_by_group is None:
        workers_by_group = worker_figures(day)
    result: dict[str, list[CoverageRow]] = {
        "overall": [
            CoverageRow(
                label=str(_("全街道")),
                filters={},
                enterprises=Enterprise.objects.count(),
                covered=union_coverage_counts(day)["with_union"],
                **_worker_counts(workers_by_group["overall"][None]),
            )
        ]
    }
    for group, enterprise_field in _GROUPS.items():
        enterprises = _enterprise_figures(day, enterprise_field)
        workers = workers_by_group[group]
        rows = []
        for key, counts in enterprises.items():
            if key is None:
                label = str(_("不在园区"))
                filters = {group: "none"}
            else:
                label = names[group].get(key, str(key))
                filters = {group: "1" if key is True else "0" if key is False else str(key)}
            rows.append(
                CoverageRow(
                    label=label,
                    filters=filters,
                    key=key,
                    **counts,
                    **_worker_counts(workers.get(key, {})),
                )
            )
        rows.sort(key=lambda r: (r.filters.get(group) == "none", r.label))
        if group == "above_scale":
            rows.sort(key=lambda r: r.filters[group] != "1")
        result[group] = rows
    return CoverageDashboard(rows=result, enterprise_counts=workers_by_group["enterprise"])


def coverage_enterprises(
    day: datetime.date,
    *,
    village: int | None = None,
    park: int | None = None,
    no_park: bool = False,
    above_scale: bool | None = None,
    covered: bool | None = None,
    membership_below: Decimal | None = None,
    worker_counts: dict[Any, dict[str, int]] | None = None,
) -> QuerySet[Enterprise]:
    """The enterprises behind a dashboard figure, above-scale first, each flagged covered or
    not on `day`. Worker counts per enterprise come from `enterprise_worker_counts` (one
    grouped query for all of them), never from a subquery per enterprise."""
    queryset = (
        Enterprise.objects.select_related("village", "park")
        .annotate(
            is_covered=Exists(
                UnionCoverage.objects.active_on(day).filter(enterprise=OuterRef("pk"))
            )
        )
        .order_by("-is_above_scale", "name", "pk")
    )
    queryset = filter_by_groups(
        queryset, village=village, park=park, no_park=no_park, above_scale=above_scale
    )
    if covered is not None:
        queryset = queryset.filter(is_covered=covered)
    if membership_below is not None:
        counts = worker_counts if worker_counts is not None else enterprise_worker_counts(day)
        below = [
            pk
            for pk, c in counts.items()
            if c["workers"] and Decimal(c["members"]) < Decimal(c["workers"]) * membership_below
        ]
        queryset = queryset.filter(_pk_among(below))
    return queryset


class _AnyOf(Func):
    """`expression = ANY(array)`, the array one text parameter (PostgreSQL hashes it)."""

    template = "%(expressions)s::bigint[])"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _pk_among(ids: list[Any]) -> Q:
    """pk is one of `ids`: on PostgreSQL one array parameter, since most of 30,000
    enterprises can be below a threshold and as many placeholders take longer to send and
    plan than the query takes to run. The array goes as its text ("{1,2,3}"): adapting a
    list of 30,000 numbers one by one costs more than the query."""
    if connection.vendor == "postgresql":
        literal = "{%s}" % ",".join(str(int(pk)) for pk in ids)
        return Q(_AnyOf(F("pk"), Value(literal)))
    return Q(pk__in=ids)


def enterprise_worker_counts(day: datetime.date) -> dict[Any, dict[str, int]]:
    """Active workers and members per enterprise on `day`, in one grouped query."""
    return worker_figures(day, ("enterprise",))["enterprise"]


def union_names_by_enterprise(
    day: datetime.date, enterprise_ids: list[int]
) -> dict[int, list[str]]:
    """Which unions cover each listed enterprise on `day` (one query for a page of rows)."""
    names: dict[int, list[str]] = {}
    for enterprise_id, name in (
        UnionCoverage.objects.active_on(day)
        .filter(enterprise_id__in=enterprise_ids)
        .values_list("enterprise_id", "union__name")
        .order_by("union__name")
    ):
        names.setdefault(enterprise_id, []).append(name)
    return names


def unions_covering_worker(worker: Any, day: datetime.date) -> QuerySet[UnionOrganisation]:
    """Unions covering an enterprise where the worker is active on `day` (a transferred member
    belongs to the union of the new employer: 动态接转)."""

    enterprises = Employment.objects.active_on(day).filter(worker=worker).values("enterprise")
    return UnionOrganisation.objects.filter(
        coverages__in=UnionCoverage.objects.active_on(day).filter(enterprise__in=enterprises)
    ).distinct()
