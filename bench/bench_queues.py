"""Does a big report delay an upload? (issue 17: separate Celery queues).

Usage (PostgreSQL and Redis; loopback only):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_queues \\
    REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/bench_queues.py [--enterprises 1000] [--workers 300000]

Builds the register of bench_union_dashboard.py in a throwaway database, then for each layout
starts real Celery worker processes, requests two quarterly reports and right after them sends
a task on the "imports" queue (core.tasks.import_previews_expire_task: quick, and on the queue
an upload's validate and apply steps use), and times how long that task waited:

- "one worker": the former single service, `--concurrency 2` on every queue;
- "two services": docker-compose's worker-imports (`-Q imports,celery`, concurrency 1) and
  worker-reports (`-Q reports`, concurrency 1): the same two processes in all.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from common import throwaway_database  # sets up Django first
from django.db import connection

from jianzhou_reform.celery import app
from reports.models import ReportRun
from reports.selectors import last_complete_period
from reports.services import report_request

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = {
    "one worker": [("celery,imports,reports", 2)],
    "two services": [("imports,celery", 1), ("reports", 1)],
}


def _workers(queues_and_concurrency: list[tuple[str, int]]) -> list[subprocess.Popen]:
    # No figures cache: each layout's reports compute their figures afresh.
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        CELERY_TASK_ALWAYS_EAGER="false",
        FIGURES_CACHE_SECONDS="0",
        FIGURES_WARM="false",
    )
    processes = []
    for i, (queues, concurrency) in enumerate(queues_and_concurrency):
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "jianzhou_reform",
                    "worker",
                    "-Q",
                    queues,
                    "--concurrency=%d" % concurrency,
                    "-n",
                    "bench%d@%%h" % i,
                    "-l",
                    "warning",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
            )
        )
    return processes


def _database_url() -> str:
    s = connection.settings_dict
    return "postgres://%s:%s@%s:%s/%s" % (s["USER"], s["PASSWORD"], s["HOST"], s["PORT"], s["NAME"])


def _wait_ready(expected: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1) or []
        if len(replies) >= expected:
            return
    raise SystemExit("the workers did not start")


def _done(pks: list[int]) -> bool:
    return ReportRun.objects.filter(pk__in=pks, status=ReportRun.Status.DONE).count() == len(pks)


def run(layout: str) -> dict[str, float]:
    from imports.tasks import import_previews_expire_task

    app.control.purge()
    ReportRun.objects.all().delete()
    processes = _workers(LAYOUTS[layout])
    try:
        _wait_ready(len(processes))
        quarter = last_complete_period(ReportRun.Kind.QUARTERLY)
        started = time.monotonic()
        runs = [
            report_request(kind=ReportRun.Kind.QUARTERLY, period=str(q)).pk
            for q in (quarter, quarter.previous())
        ]
        time.sleep(0.5)  # the reports are taken first, as when a report was asked just before
        sent = time.monotonic()
        import_previews_expire_task.delay().get(timeout=600)
        upload_wait = time.monotonic() - sent
        while not _done(runs):
            time.sleep(0.2)
        reports = time.monotonic() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return {"upload_wait": upload_wait, "reports": reports}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        raise SystemExit("needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    app.conf.task_always_eager = False
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_union_dashboard import build

    with throwaway_database():
        t = time.monotonic()
        build(args.enterprises, args.workers)
        print(
            "register: %d enterprises, %d workers (%.1f s)"
            % (args.enterprises, args.workers, time.monotonic() - t),
            flush=True,
        )
        for _ in range(args.repeat):
            for layout in LAYOUTS:
                figures = run(layout)
                print(
                    "%-13s an imports-queue task waited %6.2f s; two reports done in %6.2f s"
                    % (layout, figures["upload_wait"], figures["reports"]),
                    flush=True,
                )


if __name__ == "__main__":
    main()
