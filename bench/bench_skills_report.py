"""Time what issue 13 adds to the quarterly report figures (target: under 2 s more for 3,000
enterprises, 1,000,000 workers, 5,000,000 training records and 300,000 certificates on
PostgreSQL).

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_skills_report.py [--enterprises 3000] [--workers 1000000] \\
        [--records 5000000] [--courses 200000] [--certificates 300000]

Builds bench_report.py's data (the register of bench_union_dashboard.py: villages, parks,
enterprises, unions, workers with transfers and second jobs; training-fund declarations; a
previous quarter's report), gives the jobs contract types, then loads with COPY the
courses and training records (spread over 2024 up to today, 90% completed), the certificates
(spread over 2022 up to today, every level) and competition results, in a throwaway database.

Then, cold each time (no figures cache: each call computes afresh), it times the worker figures
of the last complete quarter as issue 12 computed them (roster levels only, no joins), as the
coverage dashboard now asks for them (effective levels, stable contracts, certificates) and as
the report does (plus trained workers, hours and awardees), the report's training_hours sum,
the whole `report_figures`, the quarterly report as the Celery task builds it, and the first
page of the staff's list of technicians without a stable contract.

What issue 13 adds to the quarterly report: this script's "quarterly report" line against
`bench/bench_report.py` run on the code before issue 13 (e.g. a `git worktree` of 18515d3) on
the same machine; both build the same register, this one adds the skills data.
"""

import argparse
import datetime
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from bench_report import run_once
from common import peak_mb, throwaway_database  # sets up Django first
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from core.choices import SKILL_LEVEL_RANK
from core.roles import Role, roles_setup
from imports.bulk import insert_rows
from reports.selectors import last_complete_period, report_figures
from training.figures import technicians_without_stable_contract, training_hours
from training.models import Competition, CompetitionResult, Course, TrainingRecord
from workers.figures import _compute
from workers.models import SkillCertificate, Worker

CERTIFICATE_LEVELS = ["junior", "intermediate", "senior", "technician", "senior_technician"]
CONTRACTS = ["fixed_term", "open_ended", "dispatched", "", "task_based", "fixed_term"]


def build(args: argparse.Namespace) -> None:
    # bench_report's data (the register, training-fund declarations, a previous quarter's
    # report), so the quarterly report's time compares with bench_report.py run on the code
    # before issue 13: the difference is what the skills figures add to the report.
    from bench_report import build as build_report_data

    build_report_data(args.enterprises, args.workers)
    now = timezone.now()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        # The register's jobs have no contract type: give them a mix (a third not stable).
        cursor.execute(
            "UPDATE workers_employment SET contract_type = (%s::text[])[1 + id %% %s]",
            [CONTRACTS, len(CONTRACTS)],
        )
    first = Worker.objects.order_by("pk").values_list("pk", flat=True).first()
    n = args.workers

    start = datetime.date(2024, 1, 1)
    span = (today - start).days + 1

    def course_start(c: int) -> datetime.date:
        return start + datetime.timedelta(days=(c * 37) % span)

    insert_rows(
        Course,
        (
            "name",
            "starts_on",
            "ends_on",
            "mode",
            "institute_name",
            "occupation",
            "hours",
            "updated_at",
        ),
        (
            ("培训项目%06d" % c, course_start(c), None, "offline", "职工培训学院", "", None, now)
            for c in range(args.courses)
        ),
    )
    first_course = Course.objects.order_by("pk").values_list("pk", flat=True).first()
    per_course = -(-args.records // args.courses)

    def records():
        written = 0
        for c in range(args.courses):
            starts = course_start(c)
            hours = Decimal(16 + (c % 40)) / 2
            for k in range(per_course):
                if written == args.records:
                    return
                # Distinct workers within a course (40009 is prime to 10^6).
                worker = first + (c * 7919 + k * 40009) % n
                completed = (c + k) % 10 != 0
                yield (
                    first_course + c,
                    worker,
                    starts,
                    None,
                    hours,
                    "offline",
                    "",
                    completed,
                    None,
                    "command",
                    now,
                    now,
                )
                written += 1

    begin = time.perf_counter()
    insert_rows(
        TrainingRecord,
        (
            "course_id",
            "worker_id",
            "starts_on",
            "ends_on",
            "hours",
            "mode",
            "institute_name",
            "is_completed",
            "enterprise_id",
            "source",
            "created_at",
            "updated_at",
        ),
        records(),
    )
    print(
        "  %d training records in %.1f s" % (args.records, time.perf_counter() - begin), flush=True
    )

    issued_from = datetime.date(2022, 1, 1)
    issued_span = (today - issued_from).days + 1

    def certificates():
        for j in range(args.certificates):
            level = CERTIFICATE_LEVELS[j % len(CERTIFICATE_LEVELS)]
            yield (
                first + (j * 3251) % n,
                "车工",
                level,
                SKILL_LEVEL_RANK[level],
                "C%011d" % j,
                issued_from + datetime.timedelta(days=(j * 13) % issued_span),
                "嵊州市人力资源和社会保障局",
                None,
                "command",
                now,
                now,
            )

    insert_rows(
        SkillCertificate,
        (
            "worker_id",
            "occupation",
            "level",
            "level_rank",
            "number",
            "issued_on",
            "issuer",
            "enterprise_id",
            "source",
            "created_at",
            "updated_at",
        ),
        certificates(),
    )
    competitions = 1000
    insert_rows(
        Competition,
        ("name", "level", "held_on", "occupation", "organiser", "updated_at"),
        (
            (
                "竞赛%04d" % m,
                "shengzhou",
                start + datetime.timedelta(days=(m * 11) % span),
                "",
                "",
                now,
            )
            for m in range(competitions)
        ),
    )
    first_competition = Competition.objects.order_by("pk").values_list("pk", flat=True).first()

    def results():
        for m in range(competitions):
            held = start + datetime.timedelta(days=(m * 11) % span)
            for r in range(50):
                prize = ("一等奖", "二等奖", "三等奖", "优秀奖", "")[r % 5]
                yield (
                    first_competition + m,
                    first + (m * 104729 + r * 7) % n,
                    prize,
                    bool(prize),
                    "",
                    held,
                    "command",
                    now,
                    now,
                )

    insert_rows(
        CompetitionResult,
        (
            "competition_id",
            "worker_id",
            "prize",
            "is_prize",
            "occupation",
            "held_on",
            "source",
            "created_at",
            "updated_at",
        ),
        results(),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(label: str, repeat: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        begin = time.perf_counter()
        work()
        timings.append(time.perf_counter() - begin)
    median = statistics.median(timings)
    print(
        "%-58s median %.3f s  best %.3f s  worst %.3f s"
        % (label, median, min(timings), max(timings)),
        flush=True,
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--courses", type=int, default=200_000)
    parser.add_argument("--certificates", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.DEBUG = False
    # Cold: every call computes the figures afresh (no Redis cache in between).
    settings.FIGURES_CACHE_SECONDS = 0
    with throwaway_database():
        if connection.vendor != "postgresql":
            raise SystemExit("bench_skills_report.py measures PostgreSQL: set DATABASE_URL")
        begin = time.perf_counter()
        build(args)
        print(
            "built %d enterprises, %d workers, %d records on %d courses, %d certificates in "
            "%.1f s"
            % (
                args.enterprises,
                args.workers,
                args.records,
                args.courses,
                args.certificates,
                time.perf_counter() - begin,
            ),
            flush=True,
        )
        as_of = last_complete_period("quarterly").as_of()
        print("as of %s" % as_of.isoformat(), flush=True)
        before = timed(
            "worker figures, issue 12 (roster levels only)",
            args.repeat,
            lambda: _compute(as_of, extended=False),
        )
        dashboard = timed(
            "worker figures, effective levels (the dashboard's)",
            args.repeat,
            lambda: _compute(as_of, sets=False),
        )
        after = timed(
            "worker figures, with the sets (the report's)",
            args.repeat,
            lambda: _compute(as_of),
        )
        hours = timed("training_hours (any worker)", args.repeat, lambda: training_hours(as_of))
        timed("report_figures (every key)", args.repeat, lambda: report_figures(as_of=as_of))
        print(
            "issue 13 adds %.3f s to the report's figures (%.3f s effective levels and "
            "certificates, %.3f s trained workers and awardees, %.3f s training_hours); "
            "%.3f s to the dashboard's"
            % (
                after - before + hours,
                dashboard - before,
                after - dashboard,
                hours,
                dashboard - before,
            ),
            flush=True,
        )
        # The quarterly report as the Celery task builds it (every sheet), the previous
        # quarter reported already (its figures are the summary's comparison).
        run_once(str(last_complete_period("quarterly").previous()))
        period = str(last_complete_period("quarterly"))
        timed(
            "quarterly report, built as the task does",
            max(1, args.repeat // 2),
            lambda: run_once(period),
        )
        roles_setup()
        staff = get_user_model().objects.create(username="staff-bench", is_staff=True)
        staff.groups.add(Group.objects.get(name=Role.STAFF))

        def technicians_page() -> None:
            listed = technicians_without_stable_contract(user=staff, day=as_of)
            listed.count()
            list(listed[:50])

        timed("technicians without a stable contract (count + page)", args.repeat, technicians_page)
        figures = _compute(as_of)["overall"][None]
        print("figures: %s" % figures, flush=True)
        print("peak RSS %.0f MB" % peak_mb(), flush=True)


if __name__ == "__main__":
    main()
