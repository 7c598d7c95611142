"""Time the quarterly report on a city-sized register (issue 6: under 10 s and 500 MB for
3,000 enterprises and 1,000,000 workers on PostgreSQL).

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_report.py [--enterprises 3000] [--workers 1000000]

Builds the data of bench_union_dashboard.py (villages, parks, enterprises, joint unions,
workers with transfers and second jobs) plus a training-fund declaration for most enterprises
and a previous quarter's report, in a throwaway database. Then a fresh process (so its peak
memory is the report's own) builds the quarterly report as the Celery task does — figures
frozen, every sheet written — several times, and prints the timings and its peak RSS.
"""

import argparse
import os
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


def build(enterprises: int, workers: int) -> None:
    from bench_union_dashboard import build as build_register

    build_register(enterprises, workers)
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


def run_once(period: str) -> float:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    begin = time.perf_counter()
    report_build(run_id=run.pk)
    elapsed = time.perf_counter() - begin
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return elapsed


def child(repeat: int) -> None:
    # The parent's throwaway database (PostgreSQL: a separate process can connect to it).
    connection.settings_dict["NAME"] = os.environ["BENCH_DATABASE_NAME"]
    settings.DEBUG = False
    period = str(last_complete_period("quarterly"))
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
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeat)
        return
    settings.DEBUG = False
    with throwaway_database() as media:
        if connection.vendor != "postgresql":
            sys.exit("bench_report.py measures PostgreSQL: set DATABASE_URL=postgres://…")
        begin = time.perf_counter()
        build(args.enterprises, args.workers)
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
            [sys.executable, str(HERE), "--child", "--repeat", str(args.repeat)],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
