"""Honours' part of the report figures (DOMAIN.md "Report figures": honours_individual,
honours_team, model_workers, craftsmen; seed measures 3 and 7).

model_workers and craftsmen count active workers, so they are counted by `workers.figures`
with its other counts (and broken down by village/park/size for free), which may not import
this app: `register` (called from HonorsConfig.ready) gives it the SQL of the honours that put
a worker in each set. An honour has a year (年度), not a date: one of year ≤ the day's year
counts on the day. honours_individual and honours_team count the honours of the day's year
themselves, whoever holds them, active or not.
"""

import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import AwardLevel
from enterprises.models import IndustrialPark, Village
from honors.models import (
    CRAFTSMAN_HONOURS,
    CraftsmanCriterion,
    CraftsmanPoolChange,
    Honour,
    HonourName,
    is_team_honour,
)

# Names of the counts this app adds to workers.figures (worker_figures(…, sets=True)).
MODEL_WORKERS = "model_workers"
CRAFTSMEN = "craftsmen"

# The report's labels of these keys (reports.selectors.FIGURE_LABELS uses them too).
HONOURS_FIGURE_LABELS = {
    "honours_individual": _("个人荣誉（本年度）"),
    "honours_team": _("集体荣誉（本年度）"),
    "model_workers": _("劳动模范（在职）"),
    "craftsmen": _("嵊州工匠/杰出工匠（在职）"),
}


def _person_honours_sql(names: tuple[str, ...], day: datetime.date) -> tuple[str, list[object]]:
    """A person's honours named `names` of a year up to the day's: their workers."""
    table = connection.ops.quote_name(Honour._meta.db_table)
    return (
        "SELECT worker_id, 1 AS amount FROM %s"  # noqa: S608  # nosec B608 # a table name; values are parameters
        " WHERE worker_id IS NOT NULL AND name IN (%s) AND year <= %%s"
        % (table, ", ".join(["%s"] * len(names))),
        [*names, day.year],
    )


def model_workers_sql(day: datetime.date) -> tuple[str, list[object]]:
    """Holders of a 劳动模范 honour, any level, of 年度 ≤ the day's year (DOMAIN.md)."""
    return _person_honours_sql((str(HonourName.MODEL_WORKER),), day)


def craftsmen_sql(day: datetime.date) -> tuple[str, list[object]]:
    """Holders of a 嵊州工匠 or 杰出工匠 honour of 年度 ≤ the day's year (DOMAIN.md); a worker
    holding both is one worker of the set."""
    return _person_honours_sql(tuple(str(n) for n in CRAFTSMAN_HONOURS), day)


def register() -> None:
    """Join the honours' sets into workers.figures and keep its cache in step with the honour
    table (HonorsConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from workers.figures import figures_changed, register_worker_set

    register_worker_set(MODEL_WORKERS, model_workers_sql)
    register_worker_set(CRAFTSMEN, craftsmen_sql)

    def changed(**kwargs: object) -> None:
        figures_changed()

    # Imports write in bulk and send core.signals.rows_written, which workers already hears.
    post_save.connect(changed, sender=Honour, weak=False, dispatch_uid="figures-honour")
    post_delete.connect(changed, sender=Honour, weak=False, dispatch_uid="figures-d-honour")
    # The craftsman pool's count is kept under the same version (honors.views.craftsmen): its
    # criteria and manual changes move it too.
    for model in (CraftsmanCriterion, CraftsmanPoolChange):
        post_save.connect(changed, sender=model, weak=False, dispatch_uid="figures-%s" % model)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid="figures-d-%s" % model)


def honours_counts(day: datetime.date) -> dict[str, int]:
    """Honours of the day's year (年度) given to people and to teams (DOMAIN.md:
    honours_individual, honours_team): every honour, whether its holder is still active."""
    counts = Honour.objects.filter(year=day.year).aggregate(
        individual=Count("pk", filter=Q(worker__isnull=False)),
        team=Count("pk", filter=Q(enterprise__isnull=False)),
    )
    return {"honours_individual": counts["individual"], "honours_team": counts["team"]}


def honours_figures(day: datetime.date, workers: dict[str, int]) -> dict[str, int]:
    """The report's keys of issue 14 as of `day`, in DOMAIN.md's order. `workers`: the overall
    counts of `worker_figures(day, sets=True)`."""
    return {
        **honours_counts(day),
        "model_workers": workers.get(MODEL_WORKERS, 0),
        "craftsmen": workers.get(CRAFTSMEN, 0),
    }


def honours_by_name_and_level(year: int) -> dict[str, Any]:
    """The honours of `year` by 荣誉名称 × 级别, with totals, as plain JSON (the 劳模工匠 sheet,
    frozen in the report): `levels` [[code, label]], `rows` one per honour name (every name,
    zeros too) with `counts` per level and `total`, `totals` per level and `total`."""
    counted = {
        (row["name"], row["level"]): row["n"]
        for row in Honour.objects.filter(year=year)
        .order_by()
        .values("name", "level")
        .annotate(n=Count("pk"))
    }
    levels = list(AwardLevel)
    rows = []
    for name in HonourName:
        counts = [counted.get((name.value, level.value), 0) for level in levels]
        rows.append(
            {
                "name": name.value,
                "label": str(name.label),
                "team": is_team_honour(name.value),
                "counts": counts,
                "total": sum(counts),
            }
        )
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(levels))]
    return {
        "year": year,
        "levels": [[level.value, str(level.label)] for level in levels],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
    }


def honours_breakdown(
    figures: dict[str, dict[Any, dict[str, int]]],
) -> dict[str, list[dict[str, Any]]]:
    """Active model workers and craftsmen of each village/community and each park (and none),
    from `worker_figures(day, sets=True)`: {"villages": rows, "parks": rows}, each row with
    `key` (the village's or park's pk; None: not in a park), `label`, `model_workers` and
    `craftsmen`."""

    def row(key: Any, label: str, counts: dict[str, int]) -> dict[str, Any]:
        return {
            "key": key,
            "label": label,
            "model_workers": counts.get(MODEL_WORKERS, 0),
            "craftsmen": counts.get(CRAFTSMEN, 0),
        }

    villages = Village.objects.order_by("name").values_list("pk", "name")
    parks = IndustrialPark.objects.order_by("name").values_list("pk", "name")
    park_rows = [row(pk, name, figures["park"].get(pk, {})) for pk, name in parks]
    park_rows.append(row(None, gettext("不在园区"), figures["park"].get(None, {})))
    return {
        "villages": [row(pk, name, figures["village"].get(pk, {})) for pk, name in villages],
        "parks": park_rows,
    }
