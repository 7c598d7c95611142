"""A worker's effective skill level as of a day (DOMAIN.md, seed measure 6): the higher of the
level the roster declares (Worker.skill_level) and the highest 职业技能等级证书 issued on or
before the day. A roster re-uploaded with a lower level never hides a certificate.

Levels compare by rank (core.choices.SKILL_LEVEL_RANK, 0 = no level). The ORM expressions here
serve querysets of workers and of rows pointing to workers (employments); `workers.figures`
does the same in its raw SQL, and the tests hold both to the same hand-made cases.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from core.choices import (
    HIGH_SKILLED_RANK,
    RANK_SKILL_LEVEL,
    SKILL_LEVEL_RANK,
    SKILLED_RANK,
    TECHNICIAN_RANK,
    SkillLevel,
)
from workers.models import SkillCertificate, Worker

EFFECTIVE_RANK = "effective_skill_rank"


def roster_rank(skill_field: str = "skill_level") -> Case:
    """The rank of the roster's declared level (0 for none)."""
    return Case(
        *(
            When(**{skill_field: level}, then=Value(rank))
            for level, rank in SKILL_LEVEL_RANK.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def certificate_rank(day: datetime.date, worker: str = "pk") -> Coalesce:
    """The rank of the highest certificate issued on or before `day` to the worker at
    OuterRef(`worker`) (0 for none)."""
    best = (
        SkillCertificate.objects.filter(worker=OuterRef(worker), issued_on__lte=day)
        .order_by()
        .values("worker")
        .annotate(best=Max("level_rank"))
        .values("best")
    )
    return Coalesce(Subquery(best, output_field=IntegerField()), Value(0))


def with_effective_skill(
    queryset: QuerySet, day: datetime.date, *, worker: str = "pk", skill_field: str = "skill_level"
) -> QuerySet:
    """`queryset` annotated with `effective_skill_rank` as of `day`. For a queryset of workers
    the defaults fit; for employments pass worker="worker_id",
    skill_field="worker__skill_level". Annotated once: a queryset that has it already (the
    admin's list, then its filter) is returned as it is."""
    if EFFECTIVE_RANK in queryset.query.annotations:
        return queryset
    # One subquery per row (naming the certificate rank apart would repeat it in the SQL).
    return queryset.annotate(
        **{EFFECTIVE_RANK: Greatest(roster_rank(skill_field), certificate_rank(day, worker))}
    )


# The admin filter's groups (DOMAIN.md's words): code → lowest rank.
SKILL_GROUPS = {
    "skilled": SKILLED_RANK,
    "high_skilled": HIGH_SKILLED_RANK,
    "technician": TECHNICIAN_RANK,
}


def filter_by_effective_skill(
    queryset: QuerySet[Worker], day: datetime.date, value: str
) -> QuerySet[Worker]:
    """Workers whose effective level on `day` is `value`: a SkillLevel code, "none" (no level),
    or a group of SKILL_GROUPS (that level and above). Unknown values filter nothing."""
    if value == "none":
        rank_filter = {EFFECTIVE_RANK: 0}
    elif value in SKILL_GROUPS:
        rank_filter = {EFFECTIVE_RANK + "__gte": SKILL_GROUPS[value]}
    elif value in SKILL_LEVEL_RANK:
        rank_filter = {EFFECTIVE_RANK: SKILL_LEVEL_RANK[value]}
    else:
        return queryset
    return with_effective_skill(queryset, day).filter(**rank_filter)


def level_of_rank(rank: int | None) -> str:
    """The SkillLevel code of a rank ("" for none)."""
    return RANK_SKILL_LEVEL.get(rank or 0, "")


def label_of_rank(rank: int | None) -> str:
    """The Chinese label of a rank ("" for none)."""
    level = level_of_rank(rank)
    return str(SkillLevel(level).label) if level else ""


@dataclass(frozen=True)
class EffectiveSkill:
    level: str  # SkillLevel code, "" for none
    roster_level: str  # what the roster declares
    from_certificate: bool  # a certificate raises the level above the roster's

    @property
    def label(self) -> str:
        return str(SkillLevel(self.level).label) if self.level else ""

    @property
    def roster_label(self) -> str:
        return str(SkillLevel(self.roster_level).label) if self.roster_level else ""


def effective_skill(worker: Worker, day: datetime.date) -> EffectiveSkill:
    """One worker's effective level on `day` (one query)."""
    best = (
        SkillCertificate.objects.filter(worker=worker, issued_on__lte=day)
        .order_by()
        .aggregate(best=Max("level_rank"))["best"]
        or 0
    )
    roster = SKILL_LEVEL_RANK.get(str(worker.skill_level), 0)
    return EffectiveSkill(
        level=level_of_rank(max(roster, best)),
        roster_level=str(worker.skill_level or ""),
        from_certificate=best > roster,
    )
