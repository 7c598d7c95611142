"""Reads of union organisations and coverage; figures are computed as of a date from the
coverage history (an enterprise may join or leave a joint union)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from enterprises.models import Enterprise
from unions.models import UnionCoverage


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
