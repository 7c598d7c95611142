"""Training's part of the report figures (DOMAIN.md "Report figures", seed measures 4–7).

The counts of active workers (trained, frontline trained, competition awardees) are computed by
`workers.figures` with its other counts, which may not import this app: `register` (called
from TrainingConfig.ready) gives it the SQL of each set's qualifying rows. The report's
`training_hours` counts every completed record of the window, any worker, active or not, and
is summed here. The window is the day's year up to the day: from 1 January to the day.

学时 add up exactly (DOMAIN.md): in SQL as integer tenths (a record holds at most one
decimal), back to a Decimal with one decimal here.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import STABLE_CONTRACT_TYPES, TECHNICIAN_LEVELS, TECHNICIAN_RANK
from core.rates import rate
from core.roles import is_sub_district_staff
from enterprises.models import IndustrialPark, Village
from training.models import Competition, CompetitionResult, Course, TrainingRecord
from workers.figures import worker_figures
from workers.models import Employment, SkillCertificate
from workers.skills import with_effective_skill

TENTH = Decimal("0.1")
# Names of the counts this app adds to workers.figures (worker_figures(…, sets=True)).
TRAINED = "trained"
FRONTLINE_TRAINED = "frontline_trained"
TRAINING_HOURS_TENTHS = "training_hours_tenths"  # the trained active workers' hours × 10
AWARDEES = "awardees"


def year_window(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From 1 January of the day's year to the day (DOMAIN.md: "in the quarter's year on or
    before the date")."""
    return day.replace(month=1, day=1), day


def trained_workers_sql(day: datetime.date) -> tuple[str, list[object]]:
    """The completed (是否结业 = 是) records that started in the window: their workers, and
    their hours in tenths (integers add up exactly and fast)."""
    start, end = year_window(day)
    table = connection.ops.quote_name(TrainingRecord._meta.db_table)
    return (
        "SELECT worker_id, CAST(ROUND(hours * 10) AS BIGINT) AS amount"  # noqa: S608  # nosec B608 # a table name; values are parameters
        " FROM %s WHERE is_completed AND starts_on >= %%s AND starts_on <= %%s" % table,
        [start, end],
    )


def competition_awardees_sql(day: datetime.date) -> tuple[str, list[object]]:
    """The prizes (not 参赛 alone) of competitions held in the window: their workers."""
    start, end = year_window(day)
    table = connection.ops.quote_name(CompetitionResult._meta.db_table)
    return (
        "SELECT worker_id, 1 AS amount"  # noqa: S608  # nosec B608 # a table name; values are parameters
        " FROM %s WHERE is_prize AND held_on >= %%s AND held_on <= %%s" % table,
        [start, end],
    )


def register() -> None:
    """Join training's sets into workers.figures and keep its cache in step with their
    tables (TrainingConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from workers.figures import figures_changed, register_worker_set

    register_worker_set(
        TRAINED,
        trained_workers_sql,
        frontline_name=FRONTLINE_TRAINED,
        total_name=TRAINING_HOURS_TENTHS,
    )
    register_worker_set(AWARDEES, competition_awardees_sql)

    def changed(**kwargs: object) -> None:
        figures_changed()

    # Imports write in bulk and send core.signals.rows_written, which workers already hears.
    for model in (TrainingRecord, Course, Competition, CompetitionResult):
        post_save.connect(changed, sender=model, weak=False, dispatch_uid="figures-%s" % model)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid="figures-d-%s" % model)


def hours_of_tenths(tenths: int | None) -> Decimal:
    """Integer tenths of an hour as exact hours with one decimal."""
    return (Decimal(tenths or 0) / 10).quantize(TENTH)


def training_hours(day: datetime.date) -> Decimal:
    """学时 of every completed record that started in the window, any worker (DOMAIN.md:
    training_hours), exact."""
    start, end = year_window(day)
    tenths = TrainingRecord.objects.filter(
        is_completed=True, starts_on__gte=start, starts_on__lte=end
    ).aggregate(tenths=Sum(Cast(Round(F("hours") * 10), BigIntegerField())))["tenths"]
    return hours_of_tenths(tenths)


# --- The skills figures: the report's keys, per group, and the technicians' contracts ---------


# The report's labels of these keys (reports.selectors.FIGURE_LABELS uses them too).
SKILLS_FIGURE_LABELS = {
    "trained_workers": _("本年参加培训并结业的职工数"),
    "training_rate": _("职工培训率"),
    "frontline_trained_workers": _("本年参加培训并结业的一线职工数"),
    "frontline_training_rate": _("一线职工培训率"),
    "training_hours": _("本年培训学时合计"),
    "technicians_stable_contract": _("签订固定期限或无固定期限合同的技师及以上人数"),
    "technicians_stable_contract_rate": _("技师及以上稳定劳动合同比例"),
    "competition_awardees": _("本年劳动和技能竞赛获奖职工数"),
}


def skills_figures(day: datetime.date, workers: dict[str, int] | None = None) -> dict[str, Any]:
    """The report's keys of issue 13 as of `day`, in DOMAIN.md's order (rates half-up to 4
    decimals, null over an empty total; training_hours a string with one decimal). `workers`:
    the overall counts of `worker_figures` for the same day, when the caller has them."""
    if workers is None:
        workers = worker_figures(day, ("overall",), sets=True)["overall"][None]
    return {
        "trained_workers": workers[TRAINED],
        "training_rate": rate(workers[TRAINED], workers["workers"]),
        "frontline_trained_workers": workers[FRONTLINE_TRAINED],
        "frontline_training_rate": rate(workers[FRONTLINE_TRAINED], workers["frontline"]),
        # Every completed record of the window, any worker, active or not.
        "training_hours": format(training_hours(day), "f"),
        "technicians_stable_contract": workers["technicians_stable"],
        "technicians_stable_contract_rate": rate(
            workers["technicians_stable"], workers["technicians"]
        ),
        "competition_awardees": workers[AWARDEES],
    }


def skills_row(counts: dict[str, int]) -> dict[str, Any]:
    """A group's skills figures (the report's 技能培训 sheet, the staff's skills page) from its
    `worker_figures` counts: active workers on the day, each once in the group; training hours
    are those active workers' (a string with one decimal)."""
    technicians = counts.get("technicians", 0)
    stable = counts.get("technicians_stable", 0)
    return {
        "workers": counts.get("workers", 0),
        "skilled": counts.get("skilled", 0),
        "high_skilled": counts.get("high_skilled", 0),
        "technicians": technicians,
        "technicians_stable": stable,
        "technicians_stable_rate": rate(stable, technicians),
        "trained": counts.get(TRAINED, 0),
        "training_rate": rate(counts.get(TRAINED, 0), counts.get("workers", 0)),
        "frontline_trained": counts.get(FRONTLINE_TRAINED, 0),
        "training_hours": format(hours_of_tenths(counts.get(TRAINING_HOURS_TENTHS, 0)), "f"),
        "certificates": counts.get("certificates", 0),
        "competition_awardees": counts.get(AWARDEES, 0),
    }


def skills_breakdown(
    day: datetime.date, figures: dict[str, dict[Any, dict[str, int]]] | None = None
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(title, rows) for the whole sub-district, each village/community, each park (and none)
    and above-scale vs. others; every row a `skills_row` with its `label`. `figures`: what
    `worker_figures(day, sets=True)` returns, when the caller has it."""
    if figures is None:
        figures = worker_figures(day, ("overall", "village", "park", "above_scale"), sets=True)
    villages = Village.objects.order_by("name").values_list("pk", "name")
    parks = IndustrialPark.objects.order_by("name").values_list("pk", "name")

    def row(label: str, counts: dict[str, int]) -> dict[str, Any]:
        return {"label": label, **skills_row(counts)}

    park_rows = [row(name, figures["park"].get(pk, {})) for pk, name in parks]
    if None in figures["park"]:
        park_rows.append(row(gettext("不在园区"), figures["park"][None]))
    return [
        (gettext("全街道"), [row(gettext("全街道"), figures["overall"][None])]),
        (
            gettext("按村（社区）"),
            [row(name, figures["village"].get(pk, {})) for pk, name in villages],
        ),
        (gettext("按工业园区"), park_rows),
        (
            gettext("规上与规下企业"),
            [
                row(gettext("规上企业"), figures["above_scale"].get(True, {})),
                row(gettext("规下企业"), figures["above_scale"].get(False, {})),
            ],
        ),
    ]


def technicians_without_stable_contract(*, user: Any, day: datetime.date) -> QuerySet[Employment]:
    """The active jobs of the technicians (技师 and above by the effective level on `day`) none
    of whose active jobs is on a 固定期限 or 无固定期限 contract (seed measure 5): the
    technicians the report's technicians_stable_contract leaves out, by enterprise. Staff
    only; everyone else gets none. Annotated with `effective_skill_rank`."""
    if not is_sub_district_staff(user):
        return Employment.objects.none()
    stable_job = Employment.objects.active_on(day).filter(
        worker=OuterRef("worker"), contract_type__in=STABLE_CONTRACT_TYPES
    )
    # 技师 or above on the day: by the roster, or by a certificate issued by then (DOMAIN.md's
    # effective level, as conditions the indexes serve). The level itself is annotated for
    # show only: computed for the rows of a page, not to filter a million.
    certified = SkillCertificate.objects.filter(
        issued_on__lte=day, level_rank__gte=TECHNICIAN_RANK
    ).values("worker")
    technicians = (
        Employment.objects.active_on(day)
        .exclude(contract_type__in=STABLE_CONTRACT_TYPES)
        .filter(Q(worker__skill_level__in=TECHNICIAN_LEVELS) | Q(worker__in=certified))
        .exclude(Exists(stable_job))
    )
    return (
        with_effective_skill(
            technicians, day, worker="worker_id", skill_field="worker__skill_level"
        )
        .select_related("enterprise", "worker")
        # The list shows names, never an ID number or phone: those are not even fetched.
        .only(
            "enterprise__name",
            "enterprise__uscc",
            "worker__name",
            "contract_type",
            "hire_date",
        )
        .order_by("enterprise__name", "enterprise_id", "worker__name", "worker_id")
    )
