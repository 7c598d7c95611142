"""The craftsman pool's rules (工匠库, seed measure 7) as set-based ORM conditions on workers.

A worker is in the pool on a day D when they are active on D (an employment active on D:
workers.models.employment_active_on) and either
- the latest manual change (CraftsmanPoolChange) made on or before D says "included", or
- they meet any active criterion (CraftsmanCriterion) as of D and the latest manual change made
  on or before D, if any, does not say "removed".

The pool holds active workers only: a manual add of a worker who has since left no longer
counts (the change stays on record and counts again if they are re-employed).

Criteria as of D:
- skill_level: the effective level (DOMAIN.md: the higher of the roster's level and the best
  certificate issued on or before D) at or above the minimum, i.e. the roster's level is, or a
  certificate issued by D is (workers.skills);
- competition_prize: a prize (is_prize) in a competition held on or before D at a level at or
  above the minimum (AwardLevel is ordered highest first);
- honour: a person honour of the worker of a year ≤ D's year, of the named honour (blank: any
  person honour) at or above the minimum level (blank: any level).

Every condition is an uncorrelated `pk IN (subquery)` on indexed columns, which PostgreSQL
hashes once (a semi-join, or a hashed subplan under OR) rather than probing once a worker: no
per-worker Python loop nor per-worker subquery, so the pool of a million workers is one query
(bench/bench_craftsman_pool.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.choices import SKILL_LEVEL_RANK, AwardLevel
from honors.models import PERSON_HONOURS, CraftsmanCriterion, CraftsmanPoolChange, Honour
from training.models import CompetitionResult
from workers.models import Employment, SkillCertificate, Worker

# AwardLevel is declared highest first: 全国 > 省级 > 绍兴市级 > 嵊州市级 > 街道级.
AWARD_LEVELS_HIGHEST_FIRST: tuple[str, ...] = tuple(str(level.value) for level in AwardLevel)


def award_levels_at_or_above(level: str) -> list[str]:
    """The AwardLevel codes at or above `level` ("" or unknown: every level)."""
    if level not in AWARD_LEVELS_HIGHEST_FIRST:
        return list(AWARD_LEVELS_HIGHEST_FIRST)
    return list(AWARD_LEVELS_HIGHEST_FIRST[: AWARD_LEVELS_HIGHEST_FIRST.index(level) + 1])


def skill_levels_at_or_above(level: str) -> list[str]:
    rank = SKILL_LEVEL_RANK.get(level, 0)
    return [code for code, r in SKILL_LEVEL_RANK.items() if r >= rank]


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the portal's time zone: a change made on the day counts."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def active_condition(day: datetime.date) -> Q:
    return Q(pk__in=Employment.objects.active_on(day).values("worker"))


def criterion_condition(criterion: CraftsmanCriterion, day: datetime.date) -> Q:
    """For a queryset of workers: the worker meets `criterion` as of `day`."""
    kind = criterion.kind
    if kind == CraftsmanCriterion.Kind.SKILL_LEVEL:
        rank = SKILL_LEVEL_RANK.get(criterion.min_skill_level, 0)
        certified = SkillCertificate.objects.filter(issued_on__lte=day, level_rank__gte=rank)
        return Q(skill_level__in=skill_levels_at_or_above(criterion.min_skill_level)) | Q(
            pk__in=certified.values("worker")
        )
    if kind == CraftsmanCriterion.Kind.COMPETITION_PRIZE:
        prizes = CompetitionResult.objects.filter(
            is_prize=True,
            held_on__lte=day,
            competition__level__in=award_levels_at_or_above(criterion.min_award_level),
        )
        return Q(pk__in=prizes.values("worker"))
    if kind == CraftsmanCriterion.Kind.HONOUR:
        honours = Honour.objects.filter(worker__isnull=False, year__lte=day.year)
        if criterion.honour_name:
            honours = honours.filter(name=criterion.honour_name)
        else:
            honours = honours.filter(name__in=[str(n) for n in PERSON_HONOURS])
        if criterion.min_award_level:
            honours = honours.filter(level__in=award_levels_at_or_above(criterion.min_award_level))
        return Q(pk__in=honours.values("worker"))
    return Q(pk__in=[])  # an unknown kind meets nothing


def active_criteria() -> list[CraftsmanCriterion]:
    return list(CraftsmanCriterion.objects.filter(is_active=True).order_by("kind", "pk"))


def any_criterion_condition(criteria: Iterable[CraftsmanCriterion], day: datetime.date) -> Q:
    condition = Q(pk__in=[])
    for criterion in criteria:
        condition |= criterion_condition(criterion, day)
    return condition


def latest_changes(day: datetime.date) -> QuerySet[CraftsmanPoolChange]:
    """Each worker's latest manual change made on or before `day` (one row a worker at most)."""
    boundary = end_of(day)
    later = CraftsmanPoolChange.objects.filter(
        worker=OuterRef("worker"), changed_at__lt=boundary
    ).filter(
        Q(changed_at__gt=OuterRef("changed_at"))
        | Q(changed_at=OuterRef("changed_at"), pk__gt=OuterRef("pk"))
    )
    return CraftsmanPoolChange.objects.filter(changed_at__lt=boundary).exclude(Exists(later))


def manual_condition(day: datetime.date, *, included: bool) -> Q:
    """For a queryset of workers: their latest change by `day` added (True) or removed them."""
    return Q(pk__in=latest_changes(day).filter(included=included).values("worker"))


def pool_condition(day: datetime.date, criteria: Sequence[CraftsmanCriterion]) -> Q:
    """For a queryset of workers: in the pool on `day` (the module's rule)."""
    return active_condition(day) & (
        manual_condition(day, included=True)
        | (any_criterion_condition(criteria, day) & ~manual_condition(day, included=False))
    )


def pool_workers(
    day: datetime.date, criteria: Sequence[CraftsmanCriterion] | None = None
) -> QuerySet[Worker]:
    if criteria is None:
        criteria = active_criteria()
    return Worker.objects.filter(pool_condition(day, criteria))
