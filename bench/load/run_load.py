"""50 users under load (issue 17): gunicorn, PostgreSQL, Redis and a Celery worker on loopback.

Usage (PostgreSQL and Redis running on 127.0.0.1, as in docker-compose):
    .venv/bin/python bench/load/run_load.py [--duration 3m] [--enterprises 300] \
        [--workers 100000] [--roster-rows 10000] [--keep]

1. A fresh database (portal_load; dropped first if there), migrated, seeded by bench/load/
   seed.py: the register, the role groups, the simulated users' accounts and the five roster
   files. Redis database 12 is emptied (cache, broker, results of this run only).
2. The portal as in production (DEBUG off, test secrets, whitenoise's collected static files;
   plain HTTP on loopback: SECURE_SSL_REDIRECT and secure cookies off, as .env.example says for
   a plain-HTTP trial; database connections kept 60 s as in production): gunicorn with 4
   workers of 2 threads on 127.0.0.1:8077 and a Celery worker on every queue.
3. locust, headless and bounded in time: 55 users (12 staff, 20 HR, 10 union officers,
   8 officials, 5 HR uploading 10,000-row rosters), 10 started a second.
4. Everything stopped; the table of p50/p95/p99 per kind of page and the errors, then the
   upload check (seed.py check). Exit status 1 when a request failed or the check fails.

Output (CSVs, logs, the roster files) goes to bench/out/load/. The database is dropped at the
end unless --keep (to profile a page on the same data afterwards).
"""

import argparse
import csv
import math
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "bench" / "out" / "load"  # the default; --out for a run beside another
VENV = Path(sys.executable).parent
HOST = "127.0.0.1"
PORT = 8077
TARGET_P95_MS = 500


def environment(database: str, redis_db: int, out: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PERSONAL_DATA_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": "postgres://portal:portal@%s:5432/%s" % (HOST, database),
            "REDIS_URL": "redis://%s:6379/%d" % (HOST, redis_db),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no TLS proxy in front (.env.example's plain-HTTP trial).
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(out / "static"),
            "MEDIA_ROOT": str(out / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def database_fresh(name: str) -> None:
    with psycopg.connect(
        "postgresql://portal:portal@%s:5432/postgres" % HOST, autocommit=True
    ) as connection:
        connection.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        connection.execute('CREATE DATABASE "%s"' % name)


def database_drop(name: str) -> None:
    with psycopg.connect(
        "postgresql://portal:portal@%s:5432/postgres" % HOST, autocommit=True
    ) as connection:
        connection.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)


def run(command: list[str], env: dict[str, str]) -> None:
    print("$ %s" % " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (fixed arguments)


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    print("$ %s  (log: %s)" % (" ".join(command), log.relative_to(ROOT)), flush=True)
    return subprocess.Popen(  # noqa: S603 (fixed arguments)
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with all its children
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy since boot (/proc/stat, every core)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_of(processes: list[subprocess.Popen]) -> dict[str, float]:
    """CPU seconds of each started process group (the process and its children) so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    groups = {
        process.pid: ("celery" if i == 0 else "gunicorn") for i, process in enumerate(processes)
    }
    used = dict.fromkeys(groups.values(), 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        group = int(fields[2])  # pgrp
        if group in groups:
            used[groups[group]] += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the portal did not answer %s within %.0f s" % (url, seconds))
        time.sleep(0.5)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def table(title: str, requests: list[tuple[float, str, str, float, bool]]) -> int:
    """p50/p95/p99 per kind of page, slowest p95 first; the number of failed requests."""
    kinds: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    for _end, verb, name, spent, failed in requests:
        kinds.setdefault((name, verb), []).append((spent, failed))
    header = "%-26s %-4s %6s %5s %7s %7s %7s %7s" % (
        "kind",
        "verb",
        "count",
        "fails",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
    )
    print("\n%s\n%s\n%s" % (title, header, "-" * len(header)))
    rows = []
    for (name, verb), found in kinds.items():
        times = [spent for spent, _failed in found]
        rows.append(
            (
                percentile(times, 0.95),
                "%-26s %-4s %6d %5d %7.0f %7.0f %7.0f %7.0f%s"
                % (
                    name,
                    verb,
                    len(found),
                    sum(failed for _spent, failed in found),
                    percentile(times, 0.5),
                    percentile(times, 0.95),
                    percentile(times, 0.99),
                    max(times),
                    "  over %d ms" % TARGET_P95_MS
                    if percentile(times, 0.95) > TARGET_P95_MS
                    else "",
                ),
            )
        )
    for _p95, line in sorted(rows, reverse=True):
        print(line)
    times = [spent for _end, _verb, _name, spent, _failed in requests]
    failed = sum(failed for *_rest, failed in requests)
    print("-" * len(header))
    if times:
        span = max(r[0] for r in requests) - min(r[0] - r[3] / 1000 for r in requests)
        print(
            "%-31s %6d %5d %7.0f %7.0f %7.0f %7.0f   %.1f requests/s"
            % (
                "every request",
                len(times),
                failed,
                percentile(times, 0.5),
                percentile(times, 0.95),
                percentile(times, 0.99),
                max(times),
                len(times) / max(span, 1),
            )
        )
    return failed


def report(log: Path, failures_csv: Path) -> int:
    """The tables of the whole run and of its part after everybody signed in, the waits for
    the worker and the failures; returns the number of failed requests."""
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    rows = [(float(e), verb, name, float(ms), d == "1") for e, verb, name, ms, d in lines]
    requests = [r for r in rows if r[1] != "WAIT"]
    failed = table("Whole run (the first minute has 55 sign-ins: PBKDF2 by design)", requests)
    logins = [r[0] for r in requests if r[2] == "login"]
    if logins:
        signed_in = max(logins)
        table(
            "After the last sign-in (%.0f s into the run)"
            % (signed_in - min(r[0] for r in requests)),
            [r for r in requests if r[0] - r[3] / 1000 >= signed_in],
        )
    for name in sorted({r[2] for r in rows if r[1] == "WAIT"}):
        waits = [r[3] / 1000 for r in rows if r[1] == "WAIT" and r[2] == name]
        print(
            "%s: %d uploads, each waited %s s"
            % (name, len(waits), ", ".join("%.1f" % w for w in sorted(waits)))
        )
    failures = list(csv.DictReader(failures_csv.open())) if failures_csv.exists() else []
    for f in failures:
        print("FAILED %s %s ×%s: %s" % (f["Method"], f["Name"], f["Occurrences"], f["Error"]))
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", default="3m", help="locust's --run-time")
    parser.add_argument("--enterprises", type=int, default=300)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--roster-rows", type=int, default=10_000)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--gunicorn-threads", type=int, default=2)
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="CONN_MAX_AGE (production's default: 60)"
    )
    parser.add_argument("--database", default="portal_load")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="create, migrate and seed the database, keep it and stop (for profile_page.py)",
    )
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--out", type=Path, default=OUT, help="output folder (default bench/out/load)"
    )
    args = parser.parse_args()
    out = args.out.resolve()
    args.keep = args.keep or args.prepare_only
    out.mkdir(parents=True, exist_ok=True)
    env = environment(args.database, args.redis_db, out)
    env["CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.keep:
        # What a later look at the same data needs (bench/load/profile_page.py): the test keys.
        (out / "portal.env").write_text(
            "".join(
                "%s=%s\n" % (key, env[key])
                for key in ("SECRET_KEY", "PERSONAL_DATA_KEY", "DATABASE_URL", "REDIS_URL")
            )
        )
    python = str(VENV / "python")
    started = time.monotonic()

    database_fresh(args.database)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    run(
        [
            python,
            "bench/load/seed.py",
            "seed",
            str(out),
            "--enterprises",
            str(args.enterprises),
            "--workers",
            str(args.workers),
            "--roster-rows",
            str(args.roster_rows),
        ],
        env,
    )
    print("prepared in %.0f s" % (time.monotonic() - started), flush=True)
    if args.prepare_only:
        print("database %s kept; keys in %s" % (args.database, out / "portal.env"))
        return

    processes = []
    failed = 1
    checked = False
    try:
        processes.append(
            start(
                [
                    str(VENV / "celery"),
                    "-A",
                    "jianzhou_reform",
                    "worker",
                    "-Q",
                    "imports,reports,celery",
                    "--loglevel",
                    "WARNING",
                    "-n",
                    "load@%h",
                ],
                env,
                out / "celery.log",
            )
        )
        processes.append(
            start(
                [
                    str(VENV / "gunicorn"),
                    "jianzhou_reform.wsgi:application",
                    "--bind",
                    "%s:%d" % (HOST, args.port),
                    "--workers",
                    str(args.gunicorn_workers),
                    "--threads",
                    str(args.gunicorn_threads),
                    "--timeout",
                    "120",
                    "--keep-alive",
                    "75",  # as the image runs it (Dockerfile)
                ],
                env,
                out / "gunicorn.log",
            )
        )
        wait_until_up("http://%s:%d/healthz" % (HOST, args.port))
        before = {"machine": machine_busy_seconds(), **cpu_of(processes)}
        locust = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                str(VENV / "locust"),
                "-f",
                "bench/load/locustfile.py",
                "--headless",
                "-u",
                "55",
                "-r",
                "10",
                "-t",
                args.duration,
                "--stop-timeout",
                "5",
                "--host",
                "http://%s:%d" % (HOST, args.port),
                "--csv",
                str(out / "run"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **env,
                "LOAD_SEED": str(out / "seed.json"),
                "LOAD_REQUESTS_LOG": str(out / "requests.tsv"),
            },
            stdout=(out / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(locust.pid, 0)
        locust.returncode = os.waitstatus_to_exitcode(status)
        after = {"machine": machine_busy_seconds(), **cpu_of(processes)}
        after["locust"], before["locust"] = usage.ru_utime + usage.ru_stime, 0.0
        print("locust exited %d (its output: %s)" % (locust.returncode, out / "locust.log"))
        print(
            "CPU seconds during the run: "
            + ", ".join("%s %.0f" % (name, after[name] - before[name]) for name in after)
            + " (machine: every process on its %d cores, PostgreSQL and other jobs included)"
            % os.cpu_count()
        )
        failed = report(out / "requests.tsv", out / "run_failures.csv")
    finally:
        for process in reversed(processes):
            stop(process)
        try:
            checked = (
                subprocess.run(  # noqa: S603 (fixed arguments)
                    [python, "bench/load/seed.py", "check", str(out)], cwd=ROOT, env=env
                ).returncode
                == 0
            )
        finally:
            if not args.keep:
                database_drop(args.database)
    print("total %.0f s" % (time.monotonic() - started))
    sys.exit(0 if failed == 0 and checked else 1)


if __name__ == "__main__":
    main()
