"""Worker counts for the report and the coverage dashboard, exact and fast on a city's rosters.

DOMAIN.md counts distinct active workers; the dashboard needs the same counts overall, per
village/community, per industrial park, above-scale vs. others and per enterprise. A distinct
count over a million employments is slow (a sort per group), so the counts are built in two
set-based queries and rolled up in Python:

1. one pass over the active employments joined to their workers, grouped by enterprise, counting
   rows (a hash aggregate over 3,000 groups, parallel on PostgreSQL), with each worker's
   certificates joined in (best rank on the day: DOMAIN.md's effective skill level). The sets
   of workers that higher apps register (`register_worker_set`: trained workers, competition
   awardees), when asked for (`sets=True`: the report, not the dashboard), are counted in a
   pass each, a semi-join over the set's rows (and an inner join for its amounts), whose hash
   table the parallel processes share;
2. the employments of the few workers active in more than one job on the day (a transfer on
   the same day, two part-time jobs, an overlap typed into history), which the row counts would
   count twice; their exact distinct contribution replaces their row counts in every group
   (their certificates and sets grouped per worker, `_facts`, for them only).

Enterprise → village/park/size comes from the enterprise register (3,000 rows). The result is the
same as `COUNT(DISTINCT worker_id)` per group; tests compare both on hand-made fixtures. Both the
report (`reports.selectors.report_figures`) and the dashboard read their worker figures from
here, so they always agree.

When the cache is shared between processes (Redis: `FIGURES_CACHE_SECONDS` > 0) the result for a
day is cached under a version that every write to workers, employments, enterprises,
certificates or a registered set's tables bumps (`figures_changed`), so a figure is never older
than the data it was computed from. The pages that miss together right after a write wait for
one computation (`core.cache.computed_once`) instead of each computing the figures.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql import Query

from core.cache import WriteVersion
from core.choices import (
    HIGH_SKILLED_LEVELS,
    HIGH_SKILLED_RANK,
    PARTY_STATUSES,
    SKILLED_LEVELS,
    SKILLED_RANK,
    STABLE_CONTRACT_TYPES,
    TECHNICIAN_LEVELS,
    TECHNICIAN_RANK,
)
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
# The counts computed from the workers app's own tables. Skill counts use the effective level
# on the day (DOMAIN.md: the roster's level or a higher certificate issued on or before it).
COUNTS = (
    "workers",
    "frontline",
    "members",
    "frontline_party",
    "skilled",
    "high_skilled",
    "technicians",
    # Technicians whose job is on a stable contract (seed measure 5): counted once if any of
    # their active jobs is 固定期限 or 无固定期限.
    "technicians_stable",
    # Certificates issued from 1 January of the day's year up to the day, to active workers
    # (the 技能培训 sheet's figure per village/park/size).
    "certificates",
)

Figures = dict[str, dict[Any, dict[str, int]]]
SqlWithParams = tuple[str, list[Any]]


@dataclass(frozen=True)
class WorkerSet:
    """Workers picked by a higher app's tables (training records, competition results), which
    this layer may not import (STYLE.md: a lower layer offers a registry). `sql(day)` returns
    SQL selecting the columns `worker_id` and `amount` (a positive integer), any number of
    rows per worker (the rows of the table that qualify, ungrouped: a grouped subquery would
    be built again by every parallel process), with its parameters. Counts of active workers:
    - `name`: the workers with at least one row;
    - `frontline_name`: those of them with a frontline job;
    - `total_name`: the sum of their rows' amounts (each worker once).
    """

    name: str
    sql: Callable[[datetime.date], SqlWithParams]
    frontline_name: str | None = None
    total_name: str | None = None

    @property
    def counts(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.frontline_name, self.total_name) if n)


_WORKER_SETS: dict[str, WorkerSet] = {}


def register_worker_set(
    name: str,
    sql: Callable[[datetime.date], SqlWithParams],
    *,
    frontline_name: str | None = None,
    total_name: str | None = None,
) -> None:
    """Count a set of workers in the figures, by the same groups (from an AppConfig.ready)."""
    worker_set = WorkerSet(name, sql, frontline_name, total_name)
    taken = set(COUNTS) | {n for s in _WORKER_SETS.values() if s.name != name for n in s.counts}
    if taken & set(worker_set.counts):
        raise ValueError("figure names already taken: %s" % sorted(taken & set(worker_set.counts)))
    _WORKER_SETS[name] = worker_set


def count_names(sets: bool = True) -> tuple[str, ...]:
    """Every count of the figures: the workers app's own, then (`sets`) the registered sets'."""
    if not sets:
        return COUNTS
    return COUNTS + tuple(n for s in _WORKER_SETS.values() for n in s.counts)


def _reads() -> BaseDatabaseWrapper:
    """Where the figures' raw SQL reads now, as the ORM's reads go (core.db_router): the
    replica inside replica_reads() (a report build), else the primary."""
    return connections[router.db_for_read(Employment)]


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    """`column` is one of `values`. PostgreSQL gets one array parameter: `IN ($1, $2)` would
    build an array for every row and doubles the time of the million-row pass."""
    if _reads().vendor == "postgresql":
        return "%s = ANY(%%s)" % column, [[str(v) for v in values]]
    return "%s IN (%s)" % (column, ", ".join(["%s"] * len(values))), [str(v) for v in values]


Column = tuple[str, list[Any]]  # an SQL value expression and its parameters


def _in_ids(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    """`column` is one of `ids`: one array parameter on PostgreSQL (thousands of parameters
    in several places of one statement take longer to plan than to run)."""
    if _reads().vendor == "postgresql":
        return "%s = ANY(%%s)" % column, [list(ids)]
    return "%s IN (%s)" % (column, ", ".join(["%s"] * len(ids))), list(ids)


def _flag(condition: str, params: list[Any] | None = None) -> Column:
    return "CASE WHEN %s THEN 1 ELSE 0 END" % condition, list(params or [])


def _skill_at_least(level_set: tuple[str, ...], rank: int, extended: bool) -> Column:
    """The worker's level on the day is in `level_set` (rank `rank` and above): the roster's
    level, or (extended) the best certificate issued on or before the day (f.best)."""
    roster, params = _in("w.skill_level", level_set)
    if not extended:
        return roster, params
    return "(%s OR COALESCE(f.best, 0) >= %%s)" % roster, [*params, rank]


def _columns(day: datetime.date, extended: bool = True, sets: bool = True) -> list[Column]:
    """One SQL value per count, in `count_names()` order, for an active employment row: 1/0
    for a flag, an amount for a total. `sets=False`: without the registered sets' counts.

    `extended=False` gives issue 12's columns only (roster levels, no certificates, no
    registered sets): bench/bench_skills_report.py times the difference."""
    party, party_params = _in("w.political_status", PARTY_STATUSES)
    skilled = _skill_at_least(SKILLED_LEVELS, SKILLED_RANK, extended)
    high = _skill_at_least(HIGH_SKILLED_LEVELS, HIGH_SKILLED_RANK, extended)
    technician = _skill_at_least(TECHNICIAN_LEVELS, TECHNICIAN_RANK, extended)
    columns = [
        ("1", []),
        _flag("e.is_frontline"),
        # A member on `day`: joined on or before it, and a member now or left after it.
        _flag(
            "(w.union_joined_on IS NULL OR w.union_joined_on <= %s)"
            " AND (w.is_union_member OR w.union_left_on > %s)",
            [day, day],
        ),
        _flag("e.is_frontline AND %s" % party, party_params),
        _flag(*skilled),
        _flag(*high),
        _flag(*technician),
    ]
    if not extended:
        return columns
    stable, stable_params = _in("e.contract_type", STABLE_CONTRACT_TYPES)
    columns += [
        _flag("%s AND %s" % (technician[0], stable), [*technician[1], *stable_params]),
        ("COALESCE(f.issued, 0)", []),
    ]
    if not sets:
        return columns
    for index, worker_set in enumerate(_WORKER_SETS.values()):
        member = "f.in%d = 1" % index
        columns.append(_flag(member))
        if worker_set.frontline_name:
            columns.append(_flag("e.is_frontline AND %s" % member))
        if worker_set.total_name:
            columns.append(("COALESCE(f.amount%d, 0)" % index, []))
    return columns


def _facts(
    day: datetime.date, workers: list[int] | None = None, sets: bool = True
) -> tuple[str, list[Any]]:
    """One row per worker with a certificate by the day or (`sets`) in a registered set: best
    certificate rank (best), certificates issued since 1 January (issued), and for each set
    in it (in0, in1 …) and the sum of its amounts (amount0 …), from one grouping over the
    union of the sources. With `workers`, only theirs (the condition reaches inside every
    source)."""
    registered = list(_WORKER_SETS.values()) if sets else []
    only = ""
    only_params: list[Any] = []
    if workers is not None:
        only, only_params = _in_ids("worker_id", workers)
        only = " AND " + only

    def zeros(skip: int | None) -> str:
        return "".join(
            ", %s, %s" % (("1", "amount") if i == skip else ("0", "0"))
            for i in range(len(registered))
        )

    branches = [
        "SELECT worker_id, level_rank AS best,"  # noqa: S608  # nosec B608 # fragments built here; values are parameters
        " CASE WHEN issued_on >= %%s THEN 1 ELSE 0 END AS issued%s"
        " FROM workers_skillcertificate WHERE issued_on <= %%s%s"
        % (
            "".join(", 0 AS in%d, 0 AS amount%d" % (i, i) for i in range(len(registered))),
            only,
        )
    ]
    params: list[Any] = [day.replace(month=1, day=1), day, *only_params]
    for index, worker_set in enumerate(registered):
        set_sql, set_params = worker_set.sql(day)
        branches.append(
            "SELECT worker_id, 0, 0%s FROM (%s) x%d WHERE 1 = 1%s"  # noqa: S608  # nosec B608
            % (zeros(index), set_sql, index, only)
        )
        params += [*set_params, *only_params]
    aggregates = "".join(
        ", MAX(in%d) AS in%d, SUM(amount%d) AS amount%d" % ((i,) * 4)
        for i in range(len(registered))
    )
    sql = (
        "SELECT worker_id, MAX(best) AS best, SUM(issued) AS issued%s FROM (%s) u"  # noqa: S608  # nosec B608
        " GROUP BY worker_id" % (aggregates, " UNION ALL ".join(branches))
    )
    return sql, params


def _joins(
    day: datetime.date,
    extended: bool = True,
    workers: list[int] | None = None,
    sets: bool = True,
) -> tuple[str, list[Any]]:
    """The tables joined to the active employments (e): their workers (w) and, extended,
    each worker's certificates and (`sets`) registered sets (f, `_facts`)."""
    sql = " FROM workers_employment e JOIN workers_worker w ON w.id = e.worker_id"
    if not extended:
        return sql, []
    facts, params = _facts(day, workers, sets)
    return sql + " LEFT JOIN (%s) f ON f.worker_id = e.worker_id" % facts, params


def employment_active_sql(day: datetime.date, alias: str = "e") -> tuple[str, list[Any]]:
    """The employments active on `day` as an SQL condition on the table alias `alias`, with
    its parameters: the ORM's one definition (`workers.models.employment_active_on`) compiled,
    so raw SQL and querysets cannot disagree. It compiles to the plain predicate the
    (hire_date, departure_date) indexes serve, no subquery:
    ("e"."hire_date" <= %s AND ("e"."departure_date" IS NULL OR "e"."departure_date" > %s))."""
    query = Query(Employment)
    where = query.build_where(employment_active_on(day))
    where = where.relabeled_clone({query.get_initial_alias(): alias})
    sql, params = query.get_compiler(connection=_reads()).compile(where)
    return sql, list(params)


def _set_counts(day: datetime.date, index: int, worker_set: WorkerSet) -> list[tuple[Any, ...]]:
    """(enterprise pk, values of the set's counts) per enterprise, from active employment rows.

    Not joined into the main pass as a grouped-by-worker table: PostgreSQL builds such a table
    again in every parallel process (seconds on a million records). A semi-join (and an inner
    join for the amounts) hashes the set's raw rows once, shared by the parallel processes."""
    active, active_params = employment_active_sql(day)
    set_sql, set_params = worker_set.sql(day)
    counts = "COUNT(*)"
    if worker_set.frontline_name:
        counts += ", SUM(CASE WHEN e.is_frontline THEN 1 ELSE 0 END)"
    with _reads().cursor() as cursor:
        cursor.execute(
            "SELECT e.enterprise_id, %s FROM workers_employment e WHERE %s AND EXISTS"  # noqa: S608  # nosec B608 # fragments built here; values are parameters
            " (SELECT 1 FROM (%s) s%d WHERE s%d.worker_id = e.worker_id)"
            " GROUP BY e.enterprise_id" % (counts, active, set_sql, index, index),
            [*active_params, *set_params],
        )
        members = {row[0]: row[1:] for row in cursor.fetchall()}
        totals: dict[Any, Any] = {}
        if worker_set.total_name:
            cursor.execute(
                "SELECT e.enterprise_id, SUM(s%d.amount) FROM workers_employment e"  # noqa: S608  # nosec B608
                " JOIN (%s) s%d ON s%d.worker_id = e.worker_id WHERE %s"
                " GROUP BY e.enterprise_id" % (index, set_sql, index, index, active),
                [*set_params, *active_params],
            )
            totals = dict(cursor.fetchall())
    zeros = (0,) * (1 + bool(worker_set.frontline_name))
    return [
        (
            enterprise_id,
            *members.get(enterprise_id, zeros),
            *((totals.get(enterprise_id, 0),) if worker_set.total_name else ()),
        )
        for enterprise_id in members.keys() | totals.keys()
    ]


def _row_counts(
    day: datetime.date, extended: bool = True, sets: bool = True
) -> dict[int, list[int]]:
    """Enterprise pk → counts of active employment rows (not yet distinct workers): the
    workers app's own in one pass, each registered set's in its own (`_set_counts`)."""
    columns = _columns(day, extended, sets=False)
    joins, join_params = _joins(day, extended, sets=False)
    active, active_params = employment_active_sql(day)
    sums = ", ".join("SUM(%s)" % sql for sql, _params in columns)
    with _reads().cursor() as cursor:
        cursor.execute(
            "SELECT e.enterprise_id, %s%s WHERE %s GROUP BY e.enterprise_id"
            % (sums, joins, active),
            [*(p for _sql, params in columns for p in params), *join_params, *active_params],
        )
        counts = {row[0]: [int(n) for n in row[1:]] for row in cursor.fetchall()}
    if not (extended and sets):
        return counts
    width = len(columns)
    for index, worker_set in enumerate(_WORKER_SETS.values()):
        for enterprise_id, *values in _set_counts(day, index, worker_set):
            # An enterprise with active rows is in the main pass; with none, in no set either.
            counts.setdefault(enterprise_id, [0] * width).extend(int(v) for v in values)
        for enterprise_counts in counts.values():
            enterprise_counts.extend(
                [0] * (width + len(worker_set.counts) - len(enterprise_counts))
            )
        width += len(worker_set.counts)
    return counts


def _multiple_job_rows(
    day: datetime.date, extended: bool = True, sets: bool = True
) -> list[tuple[Any, ...]]:
    """(worker pk, enterprise pk, value, value, …) for every active employment of the workers
    active in more than one employment on `day` (few; found from an index alone)."""
    columns = _columns(day, extended, sets)
    active, active_params = employment_active_sql(day)
    values = ", ".join(sql for sql, _params in columns)
    column_params = [p for _sql, params in columns for p in params]
    rows: list[tuple[Any, ...]] = []
    with _reads().cursor() as cursor:
        cursor.execute(
            "SELECT e.worker_id FROM workers_employment e WHERE %s"  # noqa: S608  # nosec B608 # fragments built here; values are parameters
            " GROUP BY e.worker_id HAVING COUNT(*) > 1" % active,
            active_params,
        )
        workers = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(workers), 5000):
            chunk = workers[start : start + 5000]
            joins, join_params = _joins(day, extended, chunk, sets)
            chosen, chosen_params = _in_ids("e.worker_id", chunk)
            cursor.execute(
                "SELECT e.worker_id, e.enterprise_id, %s%s WHERE %s AND %s"
                % (values, joins, active, chosen),
                [*column_params, *join_params, *active_params, *chosen_params],
            )
            rows.extend((row[0], row[1], *(int(n) for n in row[2:])) for row in cursor.fetchall())
    return rows


def _compute(day: datetime.date, extended: bool = True, sets: bool = True) -> Figures:
    names = count_names(sets) if extended else COUNTS[:7]
    attributes: dict[Any, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Enterprise.objects.order_by().values(
            "pk", "village_id", "park_id", "is_above_scale"
        )
    }
    rows = _row_counts(day, extended, sets)
    # Each worker's active jobs: (enterprise pk, values) for the few in more than one job.
    jobs_of: dict[Any, list[tuple[Any, tuple[int, ...]]]] = defaultdict(list)
    for row in _multiple_job_rows(day, extended, sets):
        jobs_of[row[0]].append((row[1], tuple(row[2:])))
    result: Figures = {group: {} for group in GROUPS}
    for group, attribute in GROUPS.items():
        totals: dict[Any, list[int]] = defaultdict(lambda: [0] * len(names))
        for enterprise_id, counts in rows.items():
            key = attributes[enterprise_id][attribute] if attribute else None
            total = totals[key]
            for i, n in enumerate(counts):
                total[i] += n
        # A worker with several active jobs under one key was counted once per job there:
        # keep the largest of each value (a flag counts once if any job counts; an amount is
        # the worker's, the same on every job), take back the rest.
        for jobs in jobs_of.values():
            keys = [attributes[e][attribute] if attribute else None for e, _values in jobs]
            if len(set(keys)) == len(keys):
                continue  # every job under another key: each counted once already
            by_key: dict[Any, list[tuple[int, ...]]] = defaultdict(list)
            for key, job in zip(keys, jobs, strict=True):
                by_key[key].append(job[1])
            for key, value_rows in by_key.items():
                if len(value_rows) > 1:
                    total = totals[key]
                    for i, column in enumerate(zip(*value_rows, strict=True)):
                        total[i] -= sum(column) - max(column)
        result[group] = {key: dict(zip(names, total, strict=True)) for key, total in totals.items()}
    result["overall"].setdefault(None, dict.fromkeys(names, 0))
    return result


# Moved by every write to the tables above; after a Redis outage (a bump may have been lost)
# every process that saw it deletes the version: one recomputation per outage.
VERSION = WriteVersion(
    "figures", warm_task="workers.tasks.figures_warm_task", what="figures warm-up"
)


def figures_changed() -> None:
    """Workers, employments, enterprises, certificates or a registered set's tables
    changed: cached figures are out of date, now and again when the writer's transaction
    commits (core.cache.WriteVersion). After the commit, a Celery task computes today's
    figures afresh (`FIGURES_WARM`), once for a burst of writes."""
    VERSION.changed()


def figures_warm(day: datetime.date) -> None:
    VERSION.warm_started()  # a write from now on queues the next warm-up
    worker_figures(day)


def figures_cached(key: str, compute: Callable[[], Any]) -> Any:
    """`compute()` kept in the cache under the figures' version, for a value read only from the
    tables that move it (workers, employments, enterprises, certificates, a registered set's
    tables, and what a higher app connects to `figures_changed`): a list's row count that would
    otherwise scan every worker on each page view. `key` names the value and everything it
    depends on besides those tables (the day, the filters). A miss is computed on the primary:
    a replica behind the write that moved the version would keep an old value under the new
    one. Without a shared cache (`FIGURES_CACHE_SECONDS` 0) it is computed every time."""
    return VERSION.cached(key, compute)


def worker_figures(
    day: datetime.date,
    groups: Iterable[str] = tuple(GROUPS),
    *,
    sets: bool = False,
    uncached: bool = False,
) -> Figures:
    """{group: {key: {count name: n}}} for every name of `count_names(sets)`; the overall
    group has the single key None. Every group has only the keys with active workers on
    `day`. The registered sets (trained workers, awardees …) cost a pass each over their
    tables: only the report's figures and the skills page ask for them (`sets=True`); the
    coverage dashboard does not.

    Kept in the shared cache under the figures' version, a miss computed on the primary (a
    replica behind the write that moved the version would keep old figures under the new
    one). Without a shared cache, or with `uncached` (a report build: the period's figures,
    asked once), they are computed where reads go: the replica inside replica_reads()."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if seconds and not uncached:
        figures = figures_cached(
            day.isoformat() + (":sets" if sets else ""), lambda: _compute(day, sets=sets)
        )
    else:
        figures = _compute(day, sets=sets)
    return {group: figures[group] for group in groups}
