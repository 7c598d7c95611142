"""Time the craftsman pool (工匠库, issue 14) on PostgreSQL: its size for the report, its counts
per village and park, and the first page of the staff's list (count + 50 rows with why each is
in), over bench_skills_report.py's data plus person honours and manual pool changes.

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_craftsman_pool.py [--workers 1000000] [--enterprises 3000] \\
        [--records 5000000] [--courses 200000] [--certificates 300000] [--honours 20000] \\
        [--changes 5000]
"""

import argparse
import time

from bench_skills_report import build as build_skills_data
from bench_skills_report import timed
from common import peak_mb, throwaway_database  # sets up Django first
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from core.roles import Role, roles_setup
from honors.models import CraftsmanPoolChange, Honour
from honors.pool import active_criteria
from honors.selectors import (
    craftsman_pool_by_group,
    craftsman_pool_entries,
    craftsman_pool_size,
    pool_entries,
)
from imports.bulk import insert_rows
from workers.models import Worker

HONOURS = ("model_worker", "craftsman", "outstanding_craftsman", "excellent_worker")
LEVELS = ("national", "provincial", "shaoxing", "shengzhou", "subdistrict")


def build(args: argparse.Namespace) -> None:
    build_skills_data(args)
    now = timezone.now()
    first = Worker.objects.order_by("pk").values_list("pk", flat=True).first()
    n = args.workers
    insert_rows(
        Honour,
        (
            "name",
            "level",
            "year",
            "worker_id",
            "enterprise_id",
            "team_name",
            "awarding_body",
            "document_number",
            "source",
            "created_at",
            "updated_at",
        ),
        (
            (
                HONOURS[h % len(HONOURS)],
                LEVELS[h % len(LEVELS)],
                2015 + h % 11,
                first + (h * 7727) % n,
                None,
                "",
                "",
                "",
                "command",
                now,
                now,
            )
            for h in range(args.honours)
        ),
    )
    insert_rows(
        CraftsmanPoolChange,
        ("worker_id", "included", "reason", "changed_by_id", "changed_at"),
        (
            (first + (c * 15401) % n, c % 3 != 0, "人工调整%d" % c, None, now)
            for c in range(args.changes)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--courses", type=int, default=200_000)
    parser.add_argument("--certificates", type=int, default=300_000)
    parser.add_argument("--honours", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.DEBUG = False
    with throwaway_database():
        if connection.vendor != "postgresql":
            raise SystemExit("bench_craftsman_pool.py measures PostgreSQL: set DATABASE_URL")
        begin = time.perf_counter()
        build(args)
        print("built %d workers in %.1f s" % (args.workers, time.perf_counter() - begin))
        roles_setup()
        staff = get_user_model().objects.create(username="staff-bench", is_staff=True)
        staff.groups.add(Group.objects.get(name=Role.STAFF))
        timed("craftsman_pool_size (the report's)", args.repeat, craftsman_pool_size)
        timed("craftsman_pool_by_group", args.repeat, craftsman_pool_by_group)

        def first_page() -> None:
            criteria = active_criteria()
            workers = craftsman_pool_entries(None, staff, criteria=criteria)
            workers.count()
            pool_entries(workers[:50], criteria)

        timed("the pool's page (count + 50 rows with reasons)", args.repeat, first_page)
        print("pool size %d" % craftsman_pool_size(), flush=True)
        print("peak RSS %.0f MB" % peak_mb(), flush=True)


if __name__ == "__main__":
    main()
