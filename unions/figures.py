"""Worker counts for the report and the coverage dashboard in one pass over the employments.

DOMAIN.md counts distinct active workers; the dashboard needs the same counts overall, per
village/community, per industrial park, above-scale vs. others and per enterprise. On
PostgreSQL one GROUPING SETS query computes every group with exact distinct counts (a worker
with jobs in two enterprises of one village counts once there); elsewhere (SQLite, development)
the same SELECT runs once per group. Both the report (`reports.selectors.report_figures`) and
the dashboard read their worker figures from here, so they always agree.
"""

import datetime
from typing import Any

from django.db import connection

from core.choices import HIGH_SKILLED_LEVELS, PARTY_STATUSES, SKILLED_LEVELS, TECHNICIAN_LEVELS

# Group name → the column it groups by.
GROUPS = {
    "overall": None,
    "village": "en.village_id",
    "park": "en.park_id",
    "above_scale": "en.is_above_scale",
    "enterprise": "e.enterprise_id",
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


def _in(values: tuple[str, ...]) -> tuple[str, list[str]]:
    return "(%s)" % ", ".join(["%s"] * len(values)), [str(v) for v in values]


def _measures(day: datetime.date) -> tuple[str, list[Any]]:
    party, party_params = _in(PARTY_STATUSES)
    skilled, skilled_params = _in(SKILLED_LEVELS)
    high, high_params = _in(HIGH_SKILLED_LEVELS)
    technician, technician_params = _in(TECHNICIAN_LEVELS)
    # A member on `day`: a member now who joined on or before it (DOMAIN.md).
    member = "w.is_union_member AND (w.union_joined_on IS NULL OR w.union_joined_on <= %s)"
    sql = ", ".join(
        [
            "COUNT(DISTINCT e.worker_id)",
            "COUNT(DISTINCT CASE WHEN e.is_frontline THEN e.worker_id END)",
            "COUNT(DISTINCT CASE WHEN %s THEN e.worker_id END)" % member,
            "COUNT(DISTINCT CASE WHEN e.is_frontline AND w.political_status IN %s "
            "THEN e.worker_id END)" % party,
            "COUNT(DISTINCT CASE WHEN w.skill_level IN %s THEN e.worker_id END)" % skilled,
            "COUNT(DISTINCT CASE WHEN w.skill_level IN %s THEN e.worker_id END)" % high,
            "COUNT(DISTINCT CASE WHEN w.skill_level IN %s THEN e.worker_id END)" % technician,
        ]
    )
    return sql, [day, *party_params, *skilled_params, *high_params, *technician_params]


_FROM = (
    " FROM workers_employment e"
    " JOIN workers_worker w ON w.id = e.worker_id"
    " JOIN enterprises_enterprise en ON en.id = e.enterprise_id"
    # Active on the day: hired on or before it, not departed by it (DOMAIN.md).
    " WHERE e.hire_date <= %s AND (e.departure_date IS NULL OR e.departure_date > %s)"
)


def worker_figures(
    day: datetime.date, groups: tuple[str, ...] = tuple(GROUPS)
) -> dict[str, dict[Any, dict[str, int]]]:
    """{group: {key: {count name: n}}}; the overall group has the single key None."""
    measures, measure_params = _measures(day)
    result: dict[str, dict[Any, dict[str, int]]] = {group: {} for group in groups}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = [GROUPS[g] for g in groups]
            sets = ", ".join("(%s)" % (k or "") for k in keys)
            columns = [k for k in keys if k]
            grouping = "GROUPING(%s)" % ", ".join(columns) if columns else "0"
            select = ", ".join([grouping, *(columns or ["NULL"]), measures])
            cursor.execute(
                "SELECT %s%s GROUP BY GROUPING SETS (%s)" % (select, _FROM, sets),
                [*measure_params, day, day],
            )
            width = max(len(columns), 1)
            for row in cursor.fetchall():
                mask, values, counts = row[0], row[1 : 1 + width], row[1 + width :]
                # GROUPING() sets a bit for each column *not* grouped in this row's set.
                grouped = [
                    c for i, c in enumerate(columns) if not mask & (1 << (len(columns) - 1 - i))
                ]
                group = next(g for g in groups if GROUPS[g] == (grouped[0] if grouped else None))
                key = values[columns.index(grouped[0])] if grouped else None
                result[group][key] = dict(zip(COUNTS, counts, strict=True))
        else:
            for group in groups:
                column = GROUPS[group]
                select = "%s, %s" % (column or "NULL", measures)
                suffix = " GROUP BY %s" % column if column else ""
                cursor.execute(
                    "SELECT %s%s%s" % (select, _FROM, suffix),
                    [*measure_params, day, day],
                )
                for key, *counts in cursor.fetchall():
                    if group == "above_scale":
                        key = bool(key)
                    result[group][key] = dict(zip(COUNTS, counts, strict=True))
    if "overall" in result and None not in result["overall"]:
        result["overall"][None] = dict.fromkeys(COUNTS, 0)
    return result
