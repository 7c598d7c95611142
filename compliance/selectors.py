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
    Q,
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
from core.periods import Quarter
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


# Only records staff entered or confirmed count in any figure or list of who has what (issue
# 15): an HR entry waits for a staff member's confirmation. Whether it was confirmed before or
# after the day asked about does not matter: once confirmed, the record counts for the dates it
# names (a report frozen earlier keeps what it froze).
CONFIRMED = Q(confirmed_at__isnull=False)


def twelve_months_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _wage_contract_in_force(as_of: datetime.date) -> Exists:
    return Exists(
        CollectiveWageContract.objects.in_force_on(as_of).filter(
            CONFIRMED, enterprise=OuterRef("pk")
        )
    )


def _congress_held_within_year(as_of: datetime.date) -> Exists:
    """A confirmed 职代会 held in (as_of − 12 months, as_of]: one held exactly a year before
    no longer counts."""
    return Exists(
        WorkersCongressSession.objects.filter(
            CONFIRMED,
            enterprise=OuterRef("pk"),
            held_on__gt=twelve_months_before(as_of),
            held_on__lte=as_of,
        )
    )


def _disclosed_between(start: datetime.date, end: datetime.date) -> Exists:
    return Exists(
        FactoryAffairsDisclosure.objects.filter(
            CONFIRMED,
            enterprise=OuterRef("pk"),
            disclosed_on__gte=start,
            disclosed_on__lte=end,
        )
    )


def enterprises_without_wage_contract(
    as_of: datetime.date, enterprises: QuerySet[Enterprise] | None = None
) -> QuerySet[Enterprise]:
    """Enterprises with no confirmed wage contract in force on `as_of` (an expired or a not
    yet started one does not count), above-scale first, then by name."""
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
        model._default_manager.filter(
            CONFIRMED, enterprise=OuterRef("pk"), **{"%s__year" % date_field: year}
        )
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def democratic_management_summary(
    as_of: datetime.date,
    year: int | None = None,
    enterprises: QuerySet[Enterprise] | None = None,
    *,
    quarter_start: datetime.date | None = None,
) -> QuerySet[Enterprise]:
    """Enterprises, in one query, annotated with (confirmed records only):
    - `congress_sessions` (职代会 held in `year`, default the year of `as_of`) and
      `held_congress` (one held in the 12 months up to `as_of`, seed measure 9);
    - `disclosures` (厂务公开 items in `year`) and `disclosed` (one published from
      `quarter_start`, default the first day of the quarter of `as_of`, up to `as_of`);
    - `has_wage_contract` (one in force on `as_of`);
    above-scale first, then by name."""
    year = as_of.year if year is None else year
    start = Quarter.of(as_of).start if quarter_start is None else quarter_start
    return (
        _enterprises(enterprises)
        .select_related("village", "park")
        .annotate(
            congress_sessions=_count_in_year(WorkersCongressSession, "held_on", year),
            disclosures=_count_in_year(FactoryAffairsDisclosure, "disclosed_on", year),
            held_congress=_congress_held_within_year(as_of),
            disclosed=_disclosed_between(start, as_of),
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


# --- HR-entered records awaiting staff confirmation (issue 15) ---------------------------------

# The three kinds of democratic-management record HR enter, by the name their pages use.
RECORD_KINDS: dict[
    str, type[WorkersCongressSession | FactoryAffairsDisclosure | CollectiveWageContract]
] = {
    "congress": WorkersCongressSession,
    "disclosure": FactoryAffairsDisclosure,
    "wage_contract": CollectiveWageContract,
}
_RECORD_ORDER = {
    "congress": ("-held_on", "pk"),
    "disclosure": ("-disclosed_on", "pk"),
    "wage_contract": ("-end_date", "pk"),
}


def democratic_records_visible_to(user: Any, kind: str) -> QuerySet[Any]:
    """One kind's records the user may see (`_visible_to`), with who entered and confirmed
    them; an unknown kind is none."""
    model = RECORD_KINDS.get(kind)
    if model is None:
        return WorkersCongressSession.objects.none()
    return (
        _visible_to(model._default_manager.all(), user)
        .select_related("entered_by", "confirmed_by")
        .order_by(*_RECORD_ORDER[kind])
    )


def democratic_records_of_enterprise(user: Any, enterprise: Enterprise) -> dict[str, QuerySet[Any]]:
    """The enterprise's 职代会, 厂务公开 and wage contracts the user may see, newest first."""
    return {
        kind: democratic_records_visible_to(user, kind).filter(enterprise=enterprise)
        for kind in RECORD_KINDS
    }


def democratic_records_pending(user: Any) -> dict[str, QuerySet[Any]]:
    """Records not yet confirmed by staff, oldest entry first (the staff review list; union
    officers read it)."""
    return {
        kind: democratic_records_visible_to(user, kind)
        .filter(confirmed_at__isnull=True)
        .order_by("created_at", "pk")
        for kind in RECORD_KINDS
    }
