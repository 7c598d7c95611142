"""Time the quarterly report on a city-sized register (issue 6: under 10 s and 500 MB for
3,000 enterprises and 1,000,000 workers on PostgreSQL).

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_report.py [--enterprises 3000] [--workers 1000000] [--profile]

Builds the data of bench_union_dashboard.py (villages, parks, enterprises, joint unions,
workers with transfers and second jobs) plus a training-fund declaration for most enterprises
and a previous quarter's report, in a throwaway database; with `--honours N` (default 5,000)
issue 14's honours, innovation studios and a nomination round too. Then a fresh process (so its peak
memory is the report's own) builds the quarterly report as the Celery task does — figures
frozen, every sheet written — several times, and prints the timings and its peak RSS.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from unittest import mock

from common import peak_mb, throwaway_database  # sets up Django first
from django.conf import settings
from django.db import connection
from django.utils import timezone

from enterprises.models import Enterprise
from reports.models import ReportRun
from reports.selectors import last_complete_period
from reports.services import report_build, report_request
from training.models import FundDeclaration

HERE = Path(__file__).resolve()


def build(enterprises: int, workers: int, honours: int = 0, large: int = 0) -> None:
    from bench_union_dashboard import build as build_register

    build_register(enterprises, workers, large)
    build_honours(honours)
    year = timezone.localdate().year
    now = timezone.now()
    FundDeclaration.objects.bulk_create(
        [
            FundDeclaration(
                enterprise_id=pk,
                year=year,
                payroll=Decimal(1_000_000 + i),
                extracted=Decimal(70_000 + 20 * (i % 1000)),
                spent=Decimal(50_000),
                frontline_spent=Decimal(25_000 + 10 * (i % 1000)),
                source=FundDeclaration.Source.COMMAND,
                submitted_at=now,
            )
            for i, pk in enumerate(Enterprise.objects.values_list("pk", flat=True))
            if i % 10
        ],
        batch_size=2000,
    )


def build_honours(count: int) -> None:
    """Issue 14's data: `count` honours (nine in ten to people, the rest to teams) over the
    years up to this one, every name and level, a studio per 30 enterprises with this year's
    results, and a nomination round of this year with nominations."""
    from django.db.models.functions import Mod

    from core.choices import AwardLevel
    from honors.models import (
        PERSON_HONOURS,
        TEAM_HONOURS,
        Honour,
        InnovationStudio,
        Nomination,
        NominationRound,
        StudioYearResult,
    )
    from workers.models import Worker

    if not count:
        return
    rng = random.Random(14)
    year = timezone.localdate().year
    levels = [level.value for level in AwardLevel]
    people = count * 9 // 10
    # Every n-th worker, chosen in the database: a million ids loaded here would swell this
    # process, whose peak memory the report's child process inherits from the fork.
    step = max(1, Worker.objects.count() // people)
    worker_ids = list(
        Worker.objects.annotate(m=Mod("pk", step))
        .filter(m=0)
        .order_by("pk")
        .values_list("pk", flat=True)[:people]
    )
    people = len(worker_ids)
    enterprise_ids = list(Enterprise.objects.values_list("pk", flat=True))
    honours = [
        Honour(
            name=PERSON_HONOURS[i % len(PERSON_HONOURS)],
            level=levels[i % len(levels)],
            year=year - i % 8,
            worker_id=worker_id,
        )
        for i, worker_id in enumerate(worker_ids)
    ]
    honours += [
        Honour(
            name=TEAM_HONOURS[i % len(TEAM_HONOURS)],
            level=levels[i % len(levels)],
            year=year - i % 8,
            enterprise_id=rng.choice(enterprise_ids),
            team_name="班组%05d" % i,
        )
        for i in range(count - people)
    ]
    Honour.objects.bulk_create(honours, batch_size=2000)
    studios = InnovationStudio.objects.bulk_create(
        InnovationStudio(
            name="创新工作室%04d" % i,
            enterprise_id=enterprise_id,
            leader_id=worker_ids[i],
            level=levels[i % len(levels)],
            founded_on=datetime.date(year - 1 - i % 5, 5, 1),
        )
        for i, enterprise_id in enumerate(enterprise_ids[::30])
    )
    StudioYearResult.objects.bulk_create(
        StudioYearResult(studio=studio, year=year, patents=i % 4, savings_yuan=Decimal(i * 1000))
        for i, studio in enumerate(studios)
    )
    spring = NominationRound.objects.create(
        title="%d年度剡湖街道基层劳模推评" % year,
        honour_name="model_worker",
        level="subdistrict",
        year=year,
        quota=20,
        opens_on=datetime.date(year, 1, 1),
        closes_on=datetime.date(year, 2, 1),
        criteria="爱岗敬业。",
    )
    Nomination.objects.bulk_create(
        Nomination(
            round=spring,
            enterprise_id=enterprise_ids[i],
            worker_id=worker_ids[i],
            summary="事迹",
            deeds="事迹",
            status="accepted" if i % 2 else "submitted",
        )
        for i in range(60)
    )


def run_once(period: str) -> float:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    begin = time.perf_counter()
    report_build(run_id=run.pk)
    elapsed = time.perf_counter() - begin
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return elapsed


def child(repeat: int, profile: bool = False) -> None:
    # The parent's throwaway database (PostgreSQL: a separate process can connect to it).
    connection.settings_dict["NAME"] = os.environ["BENCH_DATABASE_NAME"]
    settings.DEBUG = False
    period = str(last_complete_period("quarterly"))
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run_once, period)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            r"/(reports|honors|compliance|party|training|workers)/", 30
        )
    timings = [run_once(period) for _ in range(repeat)]
    run = ReportRun.objects.filter(period=period, is_current=True).get()
    print(
        "quarterly report %s (as of %s, %.0f KB): median %.2f s  best %.2f s  worst %.2f s  "
        "peak RSS %.0f MB"
        % (
            period,
            run.as_of,
            run.file.size / 1024,
            statistics.median(timings),
            min(timings),
            max(timings),
            peak_mb(),
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--honours", type=int, default=5000, help="issue 14's honours (0: none)")
    parser.add_argument(
        "--profile", action="store_true", help="print where one report build spends its time"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeat, args.profile)
        return
    settings.DEBUG = False
    with throwaway_database() as media:
        if connection.vendor != "postgresql":
            sys.exit("bench_report.py measures PostgreSQL: set DATABASE_URL=postgres://…")
        begin = time.perf_counter()
        build(args.enterprises, args.workers, args.honours)
        # The previous quarter has a report (its figures are the summary's comparison).
        run_once(str(last_complete_period("quarterly").previous()))
        print(
            "built %d enterprises, %d workers in %.1f s"
            % (args.enterprises, args.workers, time.perf_counter() - begin),
            flush=True,
        )
        name = connection.settings_dict["NAME"]
        env = dict(os.environ, BENCH_DATABASE_NAME=name, MEDIA_ROOT=media)
        connection.close()
        subprocess.run(  # noqa: S603 (this script, fixed arguments)
            [sys.executable, str(HERE), "--child", "--repeat", str(args.repeat)]
            + (["--profile"] if args.profile else []),
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
