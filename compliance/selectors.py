"""Reads of democratic-management records (seed measure 9): who may see them, wage contracts
about to expire, enterprises without one, and yearly figures per enterprise; and of labour
inspections (seed measure 8): those still open and those past their correction deadline."""

import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    LabourInspection,
    WorkersCongressSession,
)
from core.roles import Role, has_role, is_sub_district_staff
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to

_ENTERPRISE = ("enterprise", "enterprise__village", "enterprise__park")


def _visible_to(queryset: QuerySet, user: Any) -> QuerySet:
    """Staff and union officers see every enterprise's records; anyone else at most those of
    the enterprises `enterprises_visible_to` gives them (HR: their own)."""
    queryset = queryset.select_related(*_ENTERPRISE)
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return queryset
    return queryset.filter(enterprise__in=enterprises_visible_to(user).values("pk"))


def workers_congress_sessions_visible_to(user: Any) -> QuerySet[WorkersCongressSession]:
    return _visible_to(WorkersCongressSession.objects.all(), user)


def factory_affairs_disclosures_visible_to(user: Any) -> QuerySet[FactoryAffairsDisclosure]:
    return _visible_to(FactoryAffairsDisclosure.objects.all(), user)


def wage_contracts_visible_to(user: Any) -> QuerySet[CollectiveWageContract]:
    return _visible_to(CollectiveWageContract.objects.all(), user)


def wage_contracts_expiring(
    as_of: datetime.date, within_days: int = 60
) -> QuerySet[CollectiveWageContract]:
    """Contracts in force on `as_of` that end within the next `within_days` days, the last of
    them included (issue 4: contracts expiring within 60 days are listed), soonest first."""
    last_day = as_of + datetime.timedelta(days=within_days)
    return (
        CollectiveWageContract.objects.in_force_on(as_of)
        .filter(end_date__lte=last_day)
        .select_related(*_ENTERPRISE)
        .order_by("end_date", "enterprise__name", "pk")
    )


def _enterprises(enterprises: QuerySet[Enterprise] | None) -> QuerySet[Enterprise]:
    return Enterprise.objects.all() if enterprises is None else enterprises


def _wage_contract_in_force(as_of: datetime.date) -> Exists:
    return Exists(
        CollectiveWageContract.objects.in_force_on(as_of).filter(enterprise=OuterRef("pk"))
    )


def enterprises_without_wage_contract(
    as_of: datetime.date, enterprises: QuerySet[Enterprise] | None = None
) -> QuerySet[Enterprise]:
    """Enterprises with no wage contract in force on `as_of` (an expired or a not yet started
    one does not count), above-scale first, then by name."""
    return (
        _enterprises(enterprises)
        .filter(~_wage_contract_in_force(as_of))
        .select_related("village", "park")
        .order_by("-is_above_scale", "name", "pk")
    )


def _count_in_year(model: type[Model], date_field: str, year: int) -> Coalesce:
    # A correlated count per relation: counting two reverse relations over joins would
    # multiply each enterprise's rows by every year's records of both.
    counts = (
        model._default_manager.filter(enterprise=OuterRef("pk"), **{"%s__year" % date_field: year})
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def democratic_management_summary(
    as_of: datetime.date, year: int, enterprises: QuerySet[Enterprise] | None = None
) -> QuerySet[Enterprise]:
    """Enterprises, in one query, annotated with `congress_sessions` (职代会 held in `year`),
    `disclosures` (厂务公开 items in `year`) and `has_wage_contract` (one in force on
    `as_of`); above-scale first, then by name."""
    return (
        _enterprises(enterprises)
        .select_related("village", "park")
        .annotate(
            congress_sessions=_count_in_year(WorkersCongressSession, "held_on", year),
            disclosures=_count_in_year(FactoryAffairsDisclosure, "disclosed_on", year),
            has_wage_contract=_wage_contract_in_force(as_of),
        )
        .order_by("-is_above_scale", "name", "pk")
    )


def labour_inspections_visible_to(user: Any) -> QuerySet[LabourInspection]:
    return _visible_to(LabourInspection.objects.all(), user)


def labour_inspections_open(day: datetime.date) -> QuerySet[LabourInspection]:
    """Inspections not closed (销号) on `day`, nearest deadline first, those without one last."""
    return (
        LabourInspection.objects.open_on(day)
        .select_related(*_ENTERPRISE)
        .order_by(F("deadline").asc(nulls_last=True), "enterprise__name", "pk")
    )


def labour_inspections_overdue(day: datetime.date) -> QuerySet[LabourInspection]:
    """Inspections open on `day` whose correction deadline passed before it (the deadline day
    itself is not late), oldest deadline first."""
    return (
        LabourInspection.objects.overdue_on(day)
        .select_related(*_ENTERPRISE)
        .order_by("deadline", "enterprise__name", "pk")
    )
