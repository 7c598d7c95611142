"""Worker counts for the report and the coverage dashboard, exact and fast on a city's rosters.

DOMAIN.md counts distinct active workers; the dashboard needs the same counts overall, per
village/community, per industrial park, above-scale vs. others and per enterprise. A distinct
count over a million employments is slow (a sort per group), so the counts are built in two
set-based queries and rolled up in Python:

1. one pass over the active employments joined to their workers, grouped by enterprise, counting
   rows (a hash aggregate over 3,000 groups, parallel on PostgreSQL);
2. the employments of the few workers active in more than one job on the day (a transfer on
   the same day, two part-time jobs, an overlap typed into history), which the row counts would
   count twice; their exact distinct contribution replaces their row counts in every group.

Enterprise → village/park/size comes from the enterprise register (3,000 rows). The result is the
same as `COUNT(DISTINCT worker_id)` per group; tests compare both on hand-made fixtures. Both the
report (`reports.selectors.report_figures`) and the dashboard read their worker figures from
here, so they always agree.

When the cache is shared between processes (Redis: `FIGURES_CACHE_SECONDS` > 0) the result for a
day is cached under a version that every write to workers, employments or enterprises bumps
(`figures_changed`), so a figure is never older than the data it was computed from.
"""

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.sql import Query

from core.cache import drop_after_outage
from core.choices import HIGH_SKILLED_LEVELS, PARTY_STATUSES, SKILLED_LEVELS, TECHNICIAN_LEVELS
from enterprises.models import Enterprise
from workers.models import Employment, employment_active_on

# Group name → the enterprise attribute it groups by (None: one group for everything).
GROUPS = {
    "overall": None,
    "village": "village_id",
    "park": "park_id",
    "above_scale": "is_above_scale",
    "enterprise": "pk",
}
COUNTS = (
    "workers",
    "frontline",
    "members",
    "frontline_party",
    "skilled",
    "high_skilled",
    "technicians",
)

Figures = dict[str, dict[Any, dict[str, int]]]
logger = logging.getLogger(__name__)


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    """`column` is one of `values`. PostgreSQL gets one array parameter: `IN ($1, $2)` would
    build an array for every row and doubles the time of the million-row pass."""
    if connection.vendor == "postgresql":
        return "%s = ANY(%%s)" % column, [[str(v) for v in values]]
    return "%s IN (%s)" % (column, ", ".join(["%s"] * len(values))), [str(v) for v in values]


def _flags(day: datetime.date) -> tuple[list[str], list[Any]]:
    """One SQL boolean per count, true when an active employment row counts towards it."""
    party, party_params = _in("w.political_status", PARTY_STATUSES)
    skilled, skilled_params = _in("w.skill_level", SKILLED_LEVELS)
    high, high_params = _in("w.skill_level", HIGH_SKILLED_LEVELS)
    technician, technician_params = _in("w.skill_level", TECHNICIAN_LEVELS)
    flags = [
        "1 = 1",
        "e.is_frontline",
        # A member on `day`: joined on or before it, and a member now or left after it.
        "(w.union_joined_on IS NULL OR w.union_joined_on <= %s)"
        " AND (w.is_union_member OR w.union_left_on > %s)",
        "e.is_frontline AND %s" % party,
        skilled,
        high,
        technician,
    ]
    return flags, [day, day, *party_params, *skilled_params, *high_params, *technician_params]


def employment_active_sql(day: datetime.date, alias: str = "e") -> tuple[str, list[Any]]:
    """The employments active on `day` as an SQL condition on the table alias `alias`, with
    its parameters: the ORM's one definition (`workers.models.employment_active_on`) compiled,
    so raw SQL and querysets cannot disagree. It compiles to the plain predicate the
    (hire_date, departure_date) indexes serve, no subquery:
    ("e"."hire_date" <= %s AND ("e"."departure_date" IS NULL OR "e"."departure_date" > %s))."""
    query = Query(Employment)
    where = query.build_where(employment_active_on(day))
    where = where.relabeled_clone({query.get_initial_alias(): alias})
    sql, params = query.get_compiler(connection=connection).compile(where)
    return sql, list(params)


_FROM = " FROM workers_employment e JOIN workers_worker w ON w.id = e.worker_id WHERE "


def _row_counts(day: datetime.date) -> dict[int, list[int]]:
    """Enterprise pk → counts of active employment rows (not yet distinct workers)."""
    flags, params = _flags(day)
    active, active_params = employment_active_sql(day)
    sums = ", ".join("SUM(CASE WHEN %s THEN 1 ELSE 0 END)" % flag for flag in flags)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.enterprise_id, %s%s%s GROUP BY e.enterprise_id" % (sums, _FROM, active),
            [*params, *active_params],
        )
        return {row[0]: [int(n) for n in row[1:]] for row in cursor.fetchall()}


def _multiple_job_rows(day: datetime.date) -> list[tuple[Any, ...]]:
    """(worker pk, enterprise pk, flag, flag, …) for every active employment of the workers
    active in more than one employment on `day` (few; found from an index alone)."""
    flags, params = _flags(day)
    active, active_params = employment_active_sql(day)
    columns = ", ".join("CASE WHEN %s THEN 1 ELSE 0 END" % flag for flag in flags)
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.worker_id FROM workers_employment e WHERE %s"  # noqa: S608  # nosec B608 # fragments built here; values are parameters
            " GROUP BY e.worker_id HAVING COUNT(*) > 1" % active,
            active_params,
        )
        workers = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(workers), 5000):
            chunk = workers[start : start + 5000]
            cursor.execute(
                "SELECT e.worker_id, e.enterprise_id, %s%s%s AND e.worker_id IN (%s)"
                % (columns, _FROM, active, ", ".join(["%s"] * len(chunk))),
                [*params, *active_params, *chunk],
            )
            rows.extend(cursor.fetchall())
    return rows


def _compute(day: datetime.date) -> Figures:

    attributes: dict[Any, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Enterprise.objects.order_by().values(
            "pk", "village_id", "park_id", "is_above_scale"
        )
    }
    rows = _row_counts(day)
    # Each worker's active jobs: (enterprise pk, flags) for the few in more than one job.
    jobs_of: dict[Any, list[tuple[Any, tuple[int, ...]]]] = defaultdict(list)
    for row in _multiple_job_rows(day):
        jobs_of[row[0]].append((row[1], tuple(row[2:])))
    result: Figures = {group: {} for group in GROUPS}
    for group, attribute in GROUPS.items():
        totals: dict[Any, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
        for enterprise_id, counts in rows.items():
            key = attributes[enterprise_id][attribute] if attribute else None
            total = totals[key]
            for i, n in enumerate(counts):
                total[i] += n
        # A worker with several active jobs under one key was counted once per job there:
        # keep the largest of each flag (counted once if any job counts), take back the rest.
        for jobs in jobs_of.values():
            keys = [attributes[e][attribute] if attribute else None for e, _flags in jobs]
            if len(set(keys)) == len(keys):
                continue  # every job under another key: each counted once already
            by_key: dict[Any, list[tuple[int, ...]]] = defaultdict(list)
            for key, job in zip(keys, jobs, strict=True):
                by_key[key].append(job[1])
            for key, flag_rows in by_key.items():
                if len(flag_rows) > 1:
                    total = totals[key]
                    for i, column in enumerate(zip(*flag_rows, strict=True)):
                        total[i] -= sum(column) - max(column)
        result[group] = {
            key: dict(zip(COUNTS, total, strict=True)) for key, total in totals.items()
        }
    result["overall"].setdefault(None, dict.fromkeys(COUNTS, 0))
    return result


_VERSION_KEY = "figures:version"
# With Redis unreachable a bump is lost (core.cache turns it into a miss). So that figures
# cached before the outage are not current again when Redis is back, every process that saw
# the outage deletes the version then, and a new one starts: one recomputation per outage.
drop_after_outage(_VERSION_KEY)


def figures_changed() -> None:
    """Workers, employments or enterprises changed: cached figures are out of date.

    The version moves at once (so this transaction's own reads never see old figures) and
    again when the writer's transaction commits (a figure computed meanwhile from the
    uncommitted state is not kept under the new version). After the commit, a Celery task
    computes today's figures afresh (`FIGURES_WARM`), once for a burst of writes."""
    if not settings.FIGURES_CACHE_SECONDS:
        return
    _bump()
    transaction.on_commit(_committed)


def _bump() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any new value will do
        cache.set(_VERSION_KEY, time.time_ns() // 1000, timeout=None)


_WARM_QUEUED_KEY = "figures:warm-queued"


def _committed() -> None:
    _bump()
    if not settings.FIGURES_WARM or not cache.add(_WARM_QUEUED_KEY, 1, timeout=300):
        return
    from workers.tasks import figures_warm_task

    try:
        # A few seconds later: the other writes of the same burst have committed by then.
        figures_warm_task.apply_async(countdown=3)
    except Exception:  # the broker is down: the next view computes the figures itself
        cache.delete(_WARM_QUEUED_KEY)
        logger.warning("figures warm-up not queued", exc_info=True)


def figures_warm(day: datetime.date) -> None:
    cache.delete(_WARM_QUEUED_KEY)  # a write from now on queues the next warm-up
    worker_figures(day)


def worker_figures(day: datetime.date, groups: Iterable[str] = tuple(GROUPS)) -> Figures:
    """{group: {key: {count name: n}}}; the overall group has the single key None. Every
    group has only the keys with active workers on `day`."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if seconds:
        version = cache.get_or_set(_VERSION_KEY, time.time_ns() // 1000, None)
        key = "figures:%s:%s" % (version, day.isoformat())
        figures = cache.get(key)
        if figures is None:
            figures = _compute(day)
            cache.set(key, figures, timeout=seconds)
    else:
        figures = _compute(day)
    return {group: figures[group] for group in groups}
