"""Reads of honours for the pages, the admin and the figures; each that returns workers takes
the requesting user."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compliance.models import CollectiveWageContract, LabourInspection, WorkersCongressSession
from core.roles import Role, has_role, is_sub_district_staff
from enterprises.models import Enterprise, IndustrialPark, Village
from enterprises.selectors import enterprises_acted_for
from honors.models import (
    CraftsmanCriterion,
    CraftsmanPoolChange,
    Honour,
    InnovationStudio,
    Nomination,
    NominationRound,
    StudioYearResult,
)
from honors.pool import (
    active_condition,
    active_criteria,
    any_criterion_condition,
    criterion_condition,
    latest_changes,
    manual_condition,
    pool_condition,
    pool_workers,
)
from unions.selectors import enterprises_with_union_on
from workers.models import Employment, Worker
from workers.selectors import employed_by_hr_today
from workers.skills import EFFECTIVE_RANK, label_of_rank, with_effective_skill

# --- the honour register ----------------------------------------------------------------------


def honours_visible_to(user: Any) -> QuerySet[Honour]:
    """Staff every honour; union officers every honour, read-only (honours are public); HR the
    honours of the workers their enterprises employ today and the team honours of their
    enterprises; officials none (aggregate figures only, DOMAIN.md)."""
    queryset = Honour.objects.select_related("worker", "enterprise")
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return queryset
    if has_role(user, Role.HR):
        return queryset.filter(
            Q(worker__in=Worker.objects.filter(employed_by_hr_today(user)))
            | Q(enterprise__in=Enterprise.objects.filter(hr_users=user))
        )
    return queryset.none()


def honours_of_worker(worker: Worker) -> list[Honour]:
    """The worker's own honours and the team honours they are a member of, newest first. The
    caller has decided the user may see them (honours_panel). One query."""
    team = Honour.members.through.objects.filter(worker_id=worker.pk).values("honour_id")
    return list(
        Honour.objects.filter(Q(worker_id=worker.pk) | Q(pk__in=team))
        .select_related("enterprise")
        .order_by("-year", "name", "pk")
    )


def honours_panel_visible(user: Any, worker: Worker) -> bool:
    """Staff, union officers (honours are public), and HR of an enterprise that employs the
    worker today (not a former employer); never officials."""
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return True
    if has_role(user, Role.HR):
        return Worker.objects.filter(pk=worker.pk).filter(employed_by_hr_today(user)).exists()
    return False


HONOURS_PANEL = "honours"


def honours_panel(user: Any, worker: Worker) -> dict[str, Any] | None:
    """The honours panel of /workers/<id>/ (workers.panels): None for a user who may not see
    it (honours_panel_visible), so nothing of it reaches them."""
    if not honours_panel_visible(user, worker):
        return None
    return {"worker": worker, "honours": honours_of_worker(worker)}


# --- nomination rounds and eligibility --------------------------------------------------------

# Nominations still in the running or honoured; what the 公示 list shows.
PUBLICITY_STATUSES = ("accepted", "approved")


def nomination_rounds_visible_to(user: Any) -> QuerySet[NominationRound]:
    """Staff every round; HR the open rounds and those their enterprises nominated in; every
    other logged-in role except the work list's reporters the rounds whose 公示 has started (a
    public notice)."""
    rounds = NominationRound.objects.all()
    if is_sub_district_staff(user):
        return rounds
    public = Q(status__in=[NominationRound.Status.PUBLICITY, NominationRound.Status.APPROVED])
    if has_role(user, Role.HR):
        own = Nomination.objects.filter(
            round=OuterRef("pk"), enterprise__in=enterprises_acted_for(user).values("pk")
        )
        return rounds.filter(public | Q(status=NominationRound.Status.OPEN) | Q(Exists(own)))
    if has_role(user, Role.UNION_OFFICER, Role.OFFICIAL):
        return rounds.filter(public)
    return rounds.none()


def nominations_visible_to(user: Any) -> QuerySet[Nomination]:
    """Staff every nomination, HR their enterprises' (another's is not found), others none."""
    nominations = Nomination.objects.select_related("round", "enterprise", "worker")
    if is_sub_district_staff(user):
        return nominations
    if has_role(user, Role.HR):
        return nominations.filter(enterprise__in=enterprises_acted_for(user).values("pk"))
    return nominations.none()


def nomination_candidates(
    user: Any, enterprise: Enterprise, day: datetime.date
) -> QuerySet[Worker]:
    """Whom an enterprise may nominate: its workers employed on `day`, each with
    `current_post` (the post of that employment) for the picker; none for a user who does not
    act for the enterprise."""
    if not enterprises_acted_for(user).filter(pk=enterprise.pk).exists():
        return Worker.objects.none()
    employments = Employment.objects.active_on(day).filter(enterprise=enterprise)
    post = employments.filter(worker=OuterRef("pk")).order_by("-hire_date").values("position")
    return (
        Worker.objects.filter(pk__in=employments.values("worker"))
        .annotate(current_post=Subquery(post[:1]))
        .only("pk", "name")
        .order_by("name", "pk")
    )


def publicity_list(round: NominationRound) -> QuerySet[Nomination]:
    """The 公示 list: the accepted nominations (approved ones once the round is approved). A
    candidate taken out by an upheld objection leaves the list (the round page keeps them with
    the reason); the list is empty before the 公示 starts. Ordered as nominated."""
    if round.status == NominationRound.Status.OPEN:
        return Nomination.objects.none()
    return (
        round.nominations.filter(status__in=PUBLICITY_STATUSES)
        .select_related("enterprise", "worker")
        .order_by("submitted_at", "id")
    )


def rounds_of_period(start: datetime.date, end: datetime.date) -> QuerySet[NominationRound]:
    """Rounds with a step in [start, end] (for the periodic report): the nomination window or
    the 公示 overlaps the period, or the round was approved in it. Each carries `nominated`
    (nominations not withdrawn), `passed` (accepted at review: accepted, objected or approved),
    `objected` and `honoured` (approved)."""
    in_period = (
        Q(opens_on__lte=end, closes_on__gte=start)
        | Q(publicity_starts_on__lte=end, publicity_ends_on__gte=start)
        | Q(approved_at__date__gte=start, approved_at__date__lte=end)
    )
    statuses = Nomination.Status
    return (
        NominationRound.objects.filter(in_period)
        .annotate(
            nominated=Count("nominations", filter=~Q(nominations__status=statuses.WITHDRAWN)),
            passed=Count(
                "nominations",
                filter=Q(
                    nominations__status__in=[
                        statuses.ACCEPTED,
                        statuses.OBJECTED,
                        statuses.APPROVED,
                    ]
                ),
            ),
            objected=Count("nominations", filter=Q(nominations__status=statuses.OBJECTED)),
            honoured=Count("nominations", filter=Q(nominations__status=statuses.APPROVED)),
        )
        .order_by("opens_on", "id")
    )


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def nomination_flags(nominations: Iterable[Nomination], day: datetime.date) -> dict[int, list[str]]:
    """Eligibility shown to the reviewer, from the portal's own data as of `day` (issue 14),
    as Chinese sentences per nomination pk; a fixed handful of queries for the whole list.

    A team, by its round's rules: its enterprise has no union covering it (own or joint), no
    职代会 in the 12 months up to the day, no wage contract in force, an open labour
    inspection. A person: no active employment in the sub-district (when the round requires
    it), or no longer employed by the nominating enterprise."""
    nominations = list(nominations)
    team_rows = [n for n in nominations if n.worker_id is None]
    people = [n for n in nominations if n.worker_id is not None]
    flags: dict[int, list[str]] = {n.pk: [] for n in nominations}
    if team_rows:
        ids = {n.enterprise_id for n in team_rows}
        scope = Enterprise.objects.filter(pk__in=ids)
        with_union = set(enterprises_with_union_on(day, scope).values_list("pk", flat=True))
        congress = set(
            WorkersCongressSession.objects.filter(
                enterprise__in=ids, held_on__gte=_year_before(day), held_on__lte=day
            ).values_list("enterprise", flat=True)
        )
        contract = set(
            CollectiveWageContract.objects.in_force_on(day)
            .filter(enterprise__in=ids)
            .values_list("enterprise", flat=True)
        )
        inspections = dict(
            LabourInspection.objects.open_on(day)
            .filter(enterprise__in=ids)
            .values("enterprise")
            .order_by()
            .annotate(n=Count("pk"))
            .values_list("enterprise", "n")
        )
        for n in team_rows:
            rules = n.round
            if rules.require_union and n.enterprise_id not in with_union:
                flags[n.pk].append(
                    gettext("企业在%(day)s没有工会组织覆盖（单独建会或联合工会）。")
                    % {"day": day.isoformat()}
                )
            if rules.require_democratic_management:
                if n.enterprise_id not in congress:
                    flags[n.pk].append(gettext("企业近12个月没有召开职代会。"))
                if n.enterprise_id not in contract:
                    flags[n.pk].append(gettext("企业没有在有效期内的工资集体协商合同。"))
            if rules.require_no_open_inspection and inspections.get(n.enterprise_id):
                flags[n.pk].append(
                    gettext("企业有%(count)d项劳动监察问题尚未整改销号。")
                    % {"count": inspections[n.enterprise_id]}
                )
    if people:
        employed = set(
            Employment.objects.active_on(day)
            .filter(worker__in={n.worker_id for n in people})
            .values_list("worker", "enterprise")
        )
        employed_workers = {worker for worker, _enterprise in employed}
        for n in people:
            if n.worker_id not in employed_workers:
                if n.round.require_active_employment:
                    flags[n.pk].append(
                        gettext("被推荐人在%(day)s没有在街道企业的在职记录。")
                        % {"day": day.isoformat()}
                    )
                else:
                    flags[n.pk].append(gettext("被推荐人已不在推荐企业在职。"))
            elif (n.worker_id, n.enterprise_id) not in employed:
                flags[n.pk].append(gettext("被推荐人已不在推荐企业在职。"))
    return flags


# --- the craftsman pool and innovation studios ------------------------------------------------


def may_see_craftsman_pool(user: Any) -> bool:
    """Staff and union officers (names, employer, post, skill level only); not HR, not
    officials (who get the pool's size through the report)."""
    return is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER)


def craftsman_pool(day: datetime.date | None = None) -> QuerySet[Worker]:
    """The workers in the craftsman pool on `day` (None: today), by the rule of honors.pool:
    active workers meeting any active criterion as of the day, plus those added by hand,
    minus those removed by hand (the latest change made by the day decides). One query."""
    return pool_workers(day or timezone.localdate())


def craftsman_pool_size(day: datetime.date | None = None) -> int:
    """How many workers are in the pool on `day` (None: today); for the report."""
    return craftsman_pool(day).count()


POOL_REASON_MANUAL = "manual"
POOL_REASONS = {
    CraftsmanCriterion.Kind.SKILL_LEVEL.value: _("技能等级"),
    CraftsmanCriterion.Kind.COMPETITION_PRIZE.value: _("竞赛获奖"),
    CraftsmanCriterion.Kind.HONOUR.value: _("荣誉"),
    POOL_REASON_MANUAL: _("人工纳入"),
}


def criterion_description(criterion: CraftsmanCriterion) -> str:
    """A criterion in words, e.g. "职业技能等级达到技师(二级)及以上"."""
    if criterion.kind == CraftsmanCriterion.Kind.SKILL_LEVEL:
        return gettext("职业技能等级达到%(level)s及以上（含当日已取得的证书）") % {
            "level": criterion.get_min_skill_level_display()
        }
    if criterion.kind == CraftsmanCriterion.Kind.COMPETITION_PRIZE:
        return gettext("在%(level)s及以上技能竞赛中获奖（参赛不计）") % {
            "level": criterion.get_min_award_level_display()
        }
    name = criterion.get_honour_name_display() or gettext("任一个人荣誉")
    if criterion.min_award_level:
        return gettext("获得%(level)s及以上%(name)s") % {
            "level": criterion.get_min_award_level_display(),
            "name": name,
        }
    return gettext("获得%(name)s（任何级别）") % {"name": name}


def _current_job(day: datetime.date) -> QuerySet[Employment]:
    """For a queryset of workers: their active employment on `day`, the latest hired first."""
    return (
        Employment.objects.active_on(day)
        .filter(worker=OuterRef("pk"))
        .order_by("-hire_date", "-pk")
    )


def _met(criterion: CraftsmanCriterion) -> str:
    return "met_criterion_%d" % criterion.pk


def craftsman_pool_entries(
    day: datetime.date | None,
    user: Any,
    *,
    criteria: list[CraftsmanCriterion] | None = None,
    village: int | None = None,
    park: int | None = None,
    no_park: bool = False,
    enterprise: str = "",
    reason: str = "",
    search: str = "",
) -> QuerySet[Worker]:
    """The pool on `day` for the page and its download, for staff and union officers (none for
    anyone else), filtered by the current employer's village/community, park or name, by why
    they are in (a criterion kind or POOL_REASON_MANUAL) and by name. Each worker is annotated
    with the current employer and post, the effective skill rank, the latest manual change
    (`manual_included`, `manual_reason`) and whether they meet each criterion (`_met`); the
    columns of personal data are not even fetched. `pool_entries` turns a page into rows."""
    if not may_see_craftsman_pool(user):
        return Worker.objects.none()
    day = day or timezone.localdate()
    if criteria is None:
        criteria = active_criteria()
    workers = Worker.objects.filter(pool_condition(day, criteria))
    jobs = Employment.objects.active_on(day).filter(worker=OuterRef("pk"))
    if village is not None:
        workers = workers.filter(Exists(jobs.filter(enterprise__village_id=village)))
    if no_park:
        workers = workers.filter(Exists(jobs.filter(enterprise__park__isnull=True)))
    elif park is not None:
        workers = workers.filter(Exists(jobs.filter(enterprise__park_id=park)))
    if enterprise.strip():
        workers = workers.filter(
            Exists(jobs.filter(enterprise__name__icontains=enterprise.strip()))
        )
    if reason == POOL_REASON_MANUAL:
        workers = workers.filter(manual_condition(day, included=True))
    elif reason in POOL_REASONS:
        workers = workers.filter(
            any_criterion_condition([c for c in criteria if c.kind == reason], day)
        )
    if search.strip():
        workers = workers.filter(name__icontains=search.strip())
    latest = latest_changes(day).filter(worker=OuterRef("pk"))
    job = _current_job(day)
    workers = workers.annotate(
        employer_name=Subquery(job.values("enterprise__name")[:1]),
        post=Subquery(job.values("position")[:1]),
        manual_included=Subquery(latest.values("included")[:1]),
        manual_reason=Subquery(latest.values("reason")[:1]),
        **{
            _met(criterion): ExpressionWrapper(
                criterion_condition(criterion, day), output_field=BooleanField()
            )
            for criterion in criteria
        },
    )
    return with_effective_skill(workers, day).only("name", "skill_level").order_by("name", "pk")


@dataclass(frozen=True)
class PoolEntry:
    """One worker of the pool as the page and the download show them (never an ID number)."""

    worker_id: int
    name: str
    employer: str
    post: str
    skill_level: str  # the effective level's label
    reasons: list[str]  # the criteria met, in words, and 人工纳入 with its reason
    is_manual: bool


def pool_entries(workers: Iterable[Worker], criteria: list[CraftsmanCriterion]) -> list[PoolEntry]:
    """Rows of `craftsman_pool_entries` (e.g. one page of it) with why each is in the pool."""
    rows = []
    for worker in workers:
        reasons = [
            criterion_description(criterion)
            for criterion in criteria
            if getattr(worker, _met(criterion), False)
        ]
        is_manual = getattr(worker, "manual_included", None) is True
        if is_manual:
            reasons.append(
                gettext("人工纳入：%(reason)s") % {"reason": getattr(worker, "manual_reason", "")}
            )
        rows.append(
            PoolEntry(
                worker_id=worker.pk,
                name=worker.name,
                employer=getattr(worker, "employer_name", "") or "",
                post=getattr(worker, "post", "") or "",
                skill_level=label_of_rank(getattr(worker, EFFECTIVE_RANK, 0)),
                reasons=reasons,
                is_manual=is_manual,
            )
        )
    return rows


def craftsman_pool_changes_recent(user: Any, limit: int = 20) -> QuerySet[CraftsmanPoolChange]:
    """The latest manual changes (who added or removed whom, why, when) for the pool's page."""
    if not may_see_craftsman_pool(user):
        return CraftsmanPoolChange.objects.none()
    return CraftsmanPoolChange.objects.select_related("worker", "changed_by").order_by(
        "-changed_at", "-pk"
    )[:limit]


def craftsman_pool_candidates(user: Any, name: str, limit: int = 20) -> QuerySet[Worker]:
    """Active workers named like `name` who are not in the pool today: staff add them by hand
    from the pool's page (names and employers only)."""
    name = name.strip()
    if not (is_sub_district_staff(user) and name):
        return Worker.objects.none()
    day = timezone.localdate()
    job = _current_job(day)
    return (
        Worker.objects.filter(name__icontains=name)
        .filter(active_condition(day))
        .exclude(pool_condition(day, active_criteria()))
        .annotate(
            employer_name=Subquery(job.values("enterprise__name")[:1]),
            post=Subquery(job.values("position")[:1]),
        )
        .only("name")
        .order_by("name", "pk")[:limit]
    )


def _by_group(counts: dict[int, Any], rows: Iterable[tuple[int, str]], zero: Any) -> list[dict]:
    return [{"id": pk, "name": name, **counts.get(pk, zero)} for pk, name in rows]


def craftsman_pool_by_group(day: datetime.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The pool on `day` counted per village/community and per park of the current employer:
    {"village": [{"id", "name", "count"}], "park": [...]}, every village and park listed (0 for
    none), by name. A worker with active jobs in two villages counts in each. Three queries."""
    day = day or timezone.localdate()
    jobs = (
        Employment.objects.active_on(day)
        .filter(worker__in=craftsman_pool(day).values("pk"))
        .order_by()
    )
    result: dict[str, list[dict[str, Any]]] = {}
    for key, model in (("village", Village), ("park", IndustrialPark)):
        counts = {
            pk: {"count": n}
            for pk, n in jobs.filter(**{"enterprise__%s__isnull" % key: False})
            .values_list("enterprise__%s" % key)
            .annotate(n=Count("worker", distinct=True))
            .values_list("enterprise__%s" % key, "n")
        }
        rows = model.objects.order_by("name", "pk").values_list("pk", "name")
        result[key] = _by_group(counts, rows, {"count": 0})
    return result


def studios_visible_to(user: Any) -> QuerySet[InnovationStudio]:
    """Staff and union officers every studio; HR their own enterprises' studios; nobody else."""
    studios = InnovationStudio.objects.all()
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return studios
    if has_role(user, Role.HR):
        return studios.filter(enterprise__hr_users=user)
    return studios.none()


def studio_list(user: Any, *, year: int | None = None) -> QuerySet[InnovationStudio]:
    """The studios `user` may see with enterprise, leader, member count and yearly results
    (only `year`'s, and only studios founded by its end, when a year is given). Three queries
    whatever the number of studios."""
    studios = studios_visible_to(user)
    results = StudioYearResult.objects.order_by("-year")
    if year is not None:
        studios = studios.filter(founded_on__lte=datetime.date(year, 12, 31))
        results = results.filter(year=year)
    return (
        studios.select_related("enterprise", "leader")
        .only(
            "name",
            "level",
            "founded_on",
            "is_active",
            "enterprise__name",
            "leader__name",
        )
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("results", queryset=results, to_attr="shown_results"))
        .order_by("enterprise__name", "name", "pk")
    )


STUDIO_FIGURES = ("studios", "patents", "process_improvements", "savings_yuan", "trainees")


def studio_results_by_group(year: int) -> dict[str, Any]:
    """Studios and their results of `year` per village/community and per park of the studio's
    enterprise: {"village": [{"id", "name", "studios", "patents", "process_improvements",
    "savings_yuan", "trainees"}], "park": [...], "total": {...}}. `studios` counts the studios
    running (运行中) and founded by the year's end; the results are the year's rows; savings
    are exact Decimals. Every village and park is listed (zeros for none)."""
    end = datetime.date(year, 12, 31)
    running = InnovationStudio.objects.filter(is_active=True, founded_on__lte=end).order_by()
    results = StudioYearResult.objects.filter(year=year).order_by()
    zero = {
        "studios": 0,
        "patents": 0,
        "process_improvements": 0,
        "savings_yuan": Decimal("0.00"),
        "trainees": 0,
    }

    def sums(queryset: QuerySet[StudioYearResult]) -> dict[str, Any]:
        return {
            "patents": Coalesce(Sum("patents"), 0),
            "process_improvements": Coalesce(Sum("process_improvements"), 0),
            "savings_yuan": Coalesce(
                Sum("savings_yuan"), Value(Decimal("0.00")), output_field=DecimalField()
            ),
            "trainees": Coalesce(Sum("trainees"), 0),
        }

    result: dict[str, Any] = {}
    for key, model in (("village", Village), ("park", IndustrialPark)):
        group = "enterprise__%s" % key
        counts: dict[int, dict[str, Any]] = {}
        for pk, n in (
            running.filter(**{group + "__isnull": False})
            .values_list(group)
            .annotate(n=Count("pk"))
            .values_list(group, "n")
        ):
            counts.setdefault(pk, dict(zero))["studios"] = n
        for row in (
            results.filter(**{"studio__" + group + "__isnull": False})
            .values("studio__" + group)
            .annotate(**sums(results))
        ):
            pk = row.pop("studio__" + group)
            counts.setdefault(pk, dict(zero)).update(row)
        rows = model.objects.order_by("name", "pk").values_list("pk", "name")
        result[key] = _by_group(counts, rows, zero)
    total = dict(zero)
    total["studios"] = running.count()
    total.update(results.aggregate(**sums(results)))
    result["total"] = total
    return result
