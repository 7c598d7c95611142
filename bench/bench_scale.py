"""The portal at province scale (issue 17): 10,000,000 workers over 30,000 enterprises.

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_scale \\
    REDIS_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/python bench/bench_scale.py [--workers 10000000] [--enterprises 30000] \\
            [--keep | --reuse] [--roster-import [ROWS]] [--profile] \
            [--only figures,workbook,dashboard,roster]

Works on the database DATABASE_URL names (not a test database: a build of this size is kept
with `--keep` and measured again with `--reuse`). Without `--reuse` the database is dropped,
created, migrated and filled with bench/bench_report.py's build (bench_union_dashboard.py's
register by COPY: villages, parks, enterprises, joint unions, workers with transfers and second
jobs; fund declarations, honours, the previous quarter's report), with one large enterprise
(`--large`, default 20,000 workers) among enterprises of ordinary size. The two big tables are
filled without their secondary indexes and unique/foreign-key constraints, which are made
again afterwards (the schema ends identical to a migrated one). The reports a running portal
would have are built too (the baseline period's and the same quarter's a year before: the
comparison columns read their stored figures); then VACUUM ANALYZE.
`--keep` keeps it afterwards and writes the throwaway keys its personal data is sealed with to
bench/out/scale-<database>.keys, which `--reuse` reads; without `--keep` it is dropped.

Then each measurement runs in a fresh process (its peak RSS is its own):
- figures: the quarterly report's figures (`worker_figures(as_of, sets=True)` and
  `report_snapshot`, what a report run freezes), figures cache off;
- workbook: the whole report build as the Celery task does it (`report_build`), cache off;
- dashboard: the union officers' dashboard through the test client, cold (the data changed just
  before) and warm (the second call, cached figures; needs REDIS_URL);
- roster: HR's /workers/ list, first page, for an enterprise of typical size and the large one;
- with `--roster-import`: bench_roster_floor.py's floor and 100,000-row imports into a new
  enterprise of this database.
Prints a table of each figure against its target. `--profile`: each measurement once under
cProfile instead, printing where the portal's code spends the time.
"""

import argparse
import contextlib
import datetime
import os
import statistics
import subprocess  # nosec B404 # our own interpreter with our own arguments
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve()
OUT = HERE.parent / "out"
TARGETS = {
    "figures": 60.0,
    "workbook": 90.0,
    "dashboard warm": 0.2,
    "roster page typical": 0.1,
    "roster page large": 0.1,
}


def _database_name() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("bench_scale.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    return url.rsplit("/", 1)[1].split("?")[0]


def _keys_file() -> Path:
    return OUT / ("scale-%s.keys" % _database_name())


def _load_keys() -> None:
    """The keys a kept database was sealed with (before Django reads its settings)."""
    for line in _keys_file().read_text().splitlines():
        name, _, value = line.partition("=")
        os.environ[name] = value


def _admin(sql: str) -> None:
    """DROP/CREATE DATABASE, from the maintenance database."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)  # type: ignore[arg-type]


# The tables COPY fills with millions of rows.
BIG_TABLES = ("workers_worker", "workers_employment")


@contextlib.contextmanager
def indexes_built_after(tables: tuple[str, ...]) -> Iterator[None]:
    """COPY into `tables` without their secondary indexes, unique and foreign-key constraints,
    each made again afterwards in one pass (as pg_restore does): row-by-row maintenance of
    B-trees far larger than shared_buffers, and a foreign-key check per row, would make the
    build many times slower. Primary keys and check constraints stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary"
            " AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute('ALTER TABLE %s DROP CONSTRAINT "%s"' % (table, name))
        for name, _definition in indexes:
            cursor.execute("DROP INDEX %s" % name)
    yield
    begin = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute('ALTER TABLE %s ADD CONSTRAINT "%s" %s' % (table, name, definition))
        cursor.execute("RESET maintenance_work_mem")
    print(
        "%d indexes and %d constraints made again in %.1f s"
        % (len(indexes), len(constraints), time.perf_counter() - begin),
        flush=True,
    )


def comparison_reports() -> None:
    """The reports a running portal has when it builds a quarter's: the baseline period's and
    the same quarter's a year before, whose stored figures the comparison columns read (without
    them each would be computed live, one more pass over every employment)."""
    from bench_report import run_once

    from reports.models import ReportRun
    from reports.selectors import last_complete_period
    from reports.targets import current_baseline

    shown = last_complete_period("quarterly")
    wanted = [str(type(shown)(shown.year - 1, shown.number))]
    baseline = current_baseline("quarterly")
    if baseline is not None:
        wanted.insert(0, baseline.period)
    for period in wanted:
        if not ReportRun.objects.filter(
            kind="quarterly", period=str(period), status=ReportRun.Status.DONE
        ).exists():
            begin = time.perf_counter()
            run_once(period)
            print("report %s built in %.1f s" % (period, time.perf_counter() - begin), flush=True)


def build(args: argparse.Namespace) -> None:
    from bench_report import build as build_report_data
    from bench_report import run_once
    from django.core.management import call_command
    from django.db import connection

    from reports.selectors import last_complete_period

    name = connection.settings_dict["NAME"]
    connection.close()
    _admin('DROP DATABASE IF EXISTS "%s"' % name)
    _admin('CREATE DATABASE "%s"' % name)
    begin = time.perf_counter()
    call_command("migrate", verbosity=0)
    with indexes_built_after(BIG_TABLES):
        build_report_data(args.enterprises, args.workers, args.honours, args.large)
    # The previous quarter has a report (its figures are the summary's comparison).
    run_once(str(last_complete_period("quarterly").previous()))
    comparison_reports()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    print(
        "built %d enterprises, %d workers (one enterprise of %d) in %.1f s; database %.2f GB"
        % (args.enterprises, args.workers, args.large, time.perf_counter() - begin, size / 2**30),
        flush=True,
    )
    if args.keep:
        OUT.mkdir(exist_ok=True)
        _keys_file().write_text(
            "SECRET_KEY=%s\nPERSONAL_DATA_KEY=%s\n"
            % (os.environ["SECRET_KEY"], os.environ["PERSONAL_DATA_KEY"])
        )


def _timed(function, repeat: int = 1) -> list[float]:
    timings = []
    for _ in range(repeat):
        begin = time.perf_counter()
        function()
        timings.append(time.perf_counter() - begin)
    return timings


def _result(label: str, timings: list[float]) -> None:
    from common import peak_mb

    # One line per figure, parsed by the parent: RESULT label median best peak-MB.
    print(
        "RESULT\t%s\t%.4f\t%.4f\t%.0f"
        % (label, statistics.median(timings), min(timings), peak_mb()),
        flush=True,
    )


def child_figures(repeat: int) -> None:
    from reports.selectors import last_complete_period, report_snapshot
    from workers.figures import worker_figures

    period = last_complete_period("quarterly")
    as_of = period.as_of()

    def figures() -> None:
        workers = worker_figures(as_of, sets=True)
        report_snapshot(as_of, workers, start=period.start, end=period.end)

    _result("figures", _timed(figures, repeat))


def child_workbook(repeat: int) -> None:
    from bench_report import run_once

    from reports.selectors import last_complete_period

    period = str(last_complete_period("quarterly"))
    _result("workbook", [run_once(period) for _ in range(repeat)])


def child_dashboard(repeat: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone

    from core.roles import Role, roles_setup
    from workers.figures import figures_changed

    if not settings.FIGURES_CACHE_SECONDS:
        raise SystemExit("the warm dashboard needs the figures cache: set REDIS_URL")
    roles_setup()
    user, _ = get_user_model().objects.get_or_create(username="scale-union", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.UNION_OFFICER))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = "/unions/?as_of=%s&below=80" % timezone.localdate().isoformat()

    def get() -> None:
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code

    cold, warm = [], []
    for _ in range(repeat):
        figures_changed()
        cold += _timed(get)
        warm += _timed(get)
    _result("dashboard cold", cold)
    _result("dashboard warm", warm)


def child_roster(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q
    from django.test import Client

    from core.roles import Role, roles_setup
    from enterprises.models import Enterprise

    roles_setup()
    group = Group.objects.get(name=Role.HR)
    first = Enterprise.objects.order_by("pk").first()
    assert first is not None
    # A typical enterprise: the 1,000th (bench_union_dashboard spreads workers evenly).
    typical = Enterprise.objects.order_by("pk")[1000]
    for label, enterprise in (("typical", typical), ("large", first)):
        current = enterprise.employments.aggregate(
            n=Count("pk", filter=Q(departure_date__isnull=True))
        )["n"]
        user, _ = get_user_model().objects.get_or_create(username="scale-hr-%s" % label)
        user.groups.add(group)
        enterprise.hr_users.add(user)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def get(client: Client = client) -> None:
            response = client.get("/workers/", secure=True)
            assert response.status_code == 200, response.status_code

        first_call = _timed(get)
        print(
            "roster page %s (%d current workers): first call %.3f s" % (label, current, *first_call)
        )
        _result("roster page %s" % label, _timed(get, repeat))


def child(kind: str, repeat: int, profile: bool = False) -> None:
    from django.conf import settings

    settings.DEBUG = False
    # Pages render without collected static files (their manifest is a deployment step).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    measure = {
        "figures": child_figures,
        "workbook": child_workbook,
        "dashboard": child_dashboard,
        "roster": child_roster,
    }[kind]
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(measure, 1)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            r"/(reports|honors|compliance|party|training|workers|unions|enterprises)/", 40
        )
        return
    measure(repeat)


def roster_import(media: str, rows: int) -> dict[str, tuple[float, float]]:
    import bench_roster
    from bench_roster_floor import measure
    from django.db import connection

    from enterprises.models import Enterprise, Village
    from tests.factories import make_uscc

    # A new, empty enterprise each time (a kept database keeps the earlier runs' ones).
    number = 90001
    while Enterprise.objects.filter(uscc=make_uscc(number)).exists():
        number += 1
    uscc = make_uscc(number)
    village = Village.objects.order_by("pk").first()
    assert village is not None
    Enterprise.objects.create(uscc=uscc, name="花名册测试企业", village=village)
    url = os.environ["DATABASE_URL"]
    connection.close()
    folder = Path(media, "roster")
    folder.mkdir(exist_ok=True)
    # Each run's file its own people (as bench/load/seed.py does): the same ID numbers again
    # would be transfers from the earlier run's enterprise, not a first upload.
    original = bench_roster.unique_id
    span = 38 * 365  # bench_roster.unique_id repeats its birth dates every span rows
    shift = (number - 90001) * -(-rows // span) * span

    def shifted(i: int, birth: datetime.date, sex: str) -> str:
        return original(i + shift, birth, sex)

    bench_roster.unique_id = shifted
    try:
        return measure(url, uscc, folder, rows)
    finally:
        bench_roster.unique_id = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=10_000_000)
    parser.add_argument("--enterprises", type=int, default=30_000)
    parser.add_argument("--large", type=int, default=20_000, help="workers of the large enterprise")
    parser.add_argument("--honours", type=int, help="issue 14's honours (default: workers/200)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument(
        "--only", default="figures,workbook,dashboard,roster", help="measurements to run"
    )
    parser.add_argument(
        "--roster-import",
        type=int,
        nargs="?",
        const=100_000,
        default=0,
        metavar="ROWS",
        help="also time bench_roster_floor.py's import of ROWS (100,000) rows against its floor",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where each measurement spends its time"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _database_name()
    if args.honours is None:
        args.honours = args.workers // 200
    if args.reuse and not args.child:
        _load_keys()
    import common  # noqa: F401  (sets up Django, with the keys above when reusing)

    if args.child:
        child(args.child, args.repeat, args.profile)
        return
    from django.conf import settings

    settings.DEBUG = False
    if not args.reuse:
        build(args)
    else:
        comparison_reports()
    from django.db import connection

    connection.close()
    results: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as media:
        env = dict(os.environ, MEDIA_ROOT=media, DEBUG="false")
        for kind in filter(None, args.only.split(",")):
            child_env = dict(env)
            if kind in ("figures", "workbook"):
                child_env["FIGURES_CACHE_SECONDS"] = "0"  # computed, never read from a cache
            done = subprocess.run(  # noqa: S603  # nosec B603 # this script, fixed arguments
                [sys.executable, str(HERE), "--child", kind, "--repeat", str(args.repeat)]
                + (["--profile"] if args.profile else []),
                env=child_env,
                capture_output=True,
                text=True,
                check=False,
            )
            sys.stderr.write(done.stderr[-5000:] if done.returncode else "")
            for line in done.stdout.splitlines():
                if line.startswith("RESULT\t"):
                    _tag, name, *numbers = line.split("\t")
                    median_s, best_s, peak_mb_s = (float(n) for n in numbers)
                    results[name] = (median_s, best_s, peak_mb_s)
                else:
                    print(line, flush=True)
            if done.returncode:
                print("%s failed (exit %d)" % (kind, done.returncode), flush=True)
        imports = roster_import(media, args.roster_import) if args.roster_import else {}
    print("\n%-22s %10s %10s %10s %9s %s" % ("figure", "median", "best", "target", "peak RSS", ""))
    for label, (median, best, peak) in results.items():
        target = TARGETS.get(label)
        verdict = "" if target is None else ("met" if median < target else "MISSED")
        print(
            "%-22s %9.3fs %9.3fs %10s %6.0f MB %s"
            % (label, median, best, "%gs" % target if target else "-", peak, verdict)
        )
    if imports:
        floor = imports["floor"][0]
        for label, (wall, peak) in imports.items():
            ratio = wall / floor
            verdict = (
                "" if label == "floor" else ("met" if ratio < 3.5 and peak < 400 else "MISSED")
            )
            print(
                "%-22s %9.2fs %6.2f× floor (target 3.5×) %6.0f MB (<400) %s"
                % (
                    "roster import " + label if label != "floor" else "import floor",
                    wall,
                    ratio,
                    peak,
                    verdict,
                )
            )
    if not (args.keep or args.reuse):
        _admin('DROP DATABASE IF EXISTS "%s"' % connection.settings_dict["NAME"])


if __name__ == "__main__":
    main()
