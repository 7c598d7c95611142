"""The load test's data and accounts, and its check afterwards (bench/load/run_load.py runs both).

    seed.py seed OUT_FOLDER [--enterprises 300] [--workers 100000] [--roster-rows 10000]
    seed.py check OUT_FOLDER

`seed` works on the database DATABASE_URL names (a fresh, migrated one: run_load.py makes it):
the register is bench/bench_union_dashboard.py's build (villages, parks, enterprises, unions,
workers and jobs by COPY), plus the role groups, the accounts of the simulated users (every
one with the same known password) and five empty enterprises, one per uploading HR account.
The five roster files are bench/bench_roster.py's build, each with its own ID numbers. Writes
OUT_FOLDER/seed.json, which the locustfile reads.

`check` says whether every upload was applied exactly once: each uploading enterprise has one
applied roster import and as many current workers as its file has rows. Exit status 1 if not.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

import bench_roster  # noqa: E402  (sets up Django first, through bench/common.py)
from bench_union_dashboard import build as build_register  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.periods import Quarter  # noqa: E402
from core.roles import Role, roles_setup  # noqa: E402
from enterprises.models import Enterprise, Village  # noqa: E402
from imports.models import ImportRecord  # noqa: E402
from reports.models import ReportRun  # noqa: E402
from tests.factories import make_uscc  # noqa: E402
from workers.importers import ROSTER  # noqa: E402
from workers.models import Employment  # noqa: E402

# Every simulated user's password, in a throwaway database.
PASSWORD = "load-test-Pa55word"
# How many simulated users of each kind (the locustfile's classes use the same numbers).
ACCOUNTS = {"staff": 12, "hr": 20, "union": 10, "official": 8, "uploader": 5}
ROLE_OF = {
    "staff": Role.STAFF,
    "hr": Role.HR,
    "union": Role.UNION_OFFICER,
    "official": Role.OFFICIAL,
    "uploader": Role.HR,
}
# bench_roster.unique_id spreads row i over (birth date, sequence); birth dates repeat every
# 38×365 rows, so shifting i by that much per file gives each file its own ID numbers.
ID_SPAN = 38 * 365
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def seed(out: Path, enterprises: int, workers: int, roster_rows: int) -> None:
    started = time.perf_counter()
    build_register(enterprises, workers)
    print(
        "register: %d enterprises, %d workers in %.1f s"
        % (enterprises, workers, time.perf_counter() - started),
        flush=True,
    )
    roles_setup()
    groups = {key: Group.objects.get(name=role) for key, role in ROLE_OF.items()}
    # One hash for every account: hashing 55 passwords at Django's cost would take a minute.
    hashed = make_password(PASSWORD)
    User = get_user_model()
    accounts: dict[str, list[str]] = {}
    rng = random.Random(17)
    for key, count in ACCOUNTS.items():
        names = ["load-%s-%02d" % (key, n) for n in range(1, count + 1)]
        users = User.objects.bulk_create(
            User(
                username=name,
                password=hashed,
                last_name=SURNAMES[n % len(SURNAMES)],
                first_name="测%d" % n,
                is_staff=key in ("staff", "union"),
            )
            for n, name in enumerate(names)
        )
        groups[key].user_set.add(*users)
        accounts[key] = names

    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    # HR who browse: one register enterprise each, with its workers.
    hr_enterprises = {}
    step = max(1, len(enterprise_ids) // len(accounts["hr"]))
    for name, enterprise_id in zip(accounts["hr"], enterprise_ids[::step], strict=False):
        Enterprise.objects.get(pk=enterprise_id).hr_users.add(User.objects.get(username=name))
        current = Employment.objects.filter(
            enterprise_id=enterprise_id, departure_date__isnull=True
        ).values_list("worker_id", flat=True)[:30]
        hr_enterprises[name] = {"enterprise": enterprise_id, "workers": list(current)}

    # HR who upload: a new, empty enterprise each, and its roster file.
    village = Village.objects.order_by("pk").first() or Village.objects.create(name="测试村")
    uploads = {}
    original_unique_id = bench_roster.unique_id
    for index, name in enumerate(accounts["uploader"]):
        enterprise = Enterprise.objects.create(
            uscc=make_uscc(90000 + index), name="上传测试企业%d" % (index + 1), village=village
        )
        enterprise.hr_users.add(User.objects.get(username=name))
        path = out / ("roster-%d.xlsx" % (index + 1))
        shift = (index + 1) * ID_SPAN

        def shifted(i, birth, sex, shift=shift):
            return original_unique_id(i + shift, birth, sex)

        bench_roster.unique_id = shifted
        try:
            bench_roster.build(path, roster_rows, seed=index + 1)
        finally:
            bench_roster.unique_id = original_unique_id
        uploads[name] = {"enterprise": enterprise.pk, "file": str(path), "rows": roster_rows}
        print("roster file %s: %d rows, %d bytes" % (path.name, roster_rows, path.stat().st_size))

    sample = list(
        Employment.objects.filter(departure_date__isnull=True)
        .order_by("?")
        .values_list("worker_id", flat=True)[:300]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()
    (out / "seed.json").write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "accounts": accounts,
                "hr": hr_enterprises,
                "uploads": uploads,
                "workers": sample,
                "enterprises": rng.sample(enterprise_ids, min(50, len(enterprise_ids))),
                "report": {"kind": ReportRun.Kind.QUARTERLY, "period": str(Quarter.of(today))},
                "previous_quarter": str(Quarter.of(today - datetime.timedelta(days=92))),
            },
            indent=1,
        )
    )
    print("seeded in %.1f s" % (time.perf_counter() - started), flush=True)


def check(out: Path) -> bool:
    """Every upload applied exactly once, with every row of its file a current worker."""
    data = json.loads((out / "seed.json").read_text())
    good = True
    for name, upload in sorted(data["uploads"].items()):
        records = ImportRecord.objects.filter(kind=ROSTER, enterprise_id=upload["enterprise"])
        statuses = sorted(records.values_list("status", flat=True))
        applied = statuses.count(ImportRecord.Status.APPLIED)
        current = Employment.objects.filter(
            enterprise_id=upload["enterprise"], departure_date__isnull=True
        ).count()
        ok = applied == 1 and current == upload["rows"]
        good = good and ok
        print(
            "upload check %-16s enterprise %6d: imports %s, applied %d, current workers %6d "
            "of %6d  %s"
            % (
                name,
                upload["enterprise"],
                statuses,
                applied,
                current,
                upload["rows"],
                "OK" if ok else "FAILED",
            )
        )
    reports = list(ReportRun.objects.order_by("pk").values_list("version", "status"))
    print("report runs (version, status): %s" % reports)
    return good


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["seed", "check"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--enterprises", type=int, default=300)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--roster-rows", type=int, default=10_000)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        parser.error("the load test runs on PostgreSQL")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.action == "seed":
        seed(args.out, args.enterprises, args.workers, args.roster_rows)
    elif not check(args.out):
        sys.exit(1)


if __name__ == "__main__":
    main()
