"""Time a 100,000-row 培训记录 import through `import_training_records --json` (issue 13: under
20 s and 500 MB on PostgreSQL).

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_training_records.py [--rows 100000] [--courses 200]

Builds, with COPY in a throwaway test database, one enterprise employing `--rows` workers (valid
ID numbers, so the file is matched against the register as a real one is), writes a .xlsx with
one training record per worker over `--courses` courses, then runs the command in a fresh
process (its peak memory is the import's own, as a command run from cron would be): a first
import into an empty table, an unchanged re-import, and a re-import with 10% of the rows
changed. Prints wall seconds, the counts and the child's peak RSS for each.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import openpyxl
from common import throwaway_database  # sets up Django first
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from enterprises.models import Enterprise, Village
from imports.bulk import insert_rows
from tests.factories import make_uscc
from training.models import Course, TrainingRecord
from workers.models import Employment, Worker

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "身份证号",
    "姓名",
    "培训项目",
    "开始日期",
    "结束日期",
    "学时",
    "培训方式",
    "培训机构",
    "是否结业",
]
MODES = ["线下", "线上", "线上线下", ""]
FIRST_BIRTH = datetime.date(1966, 1, 1)
BIRTH_SPAN = 38 * 365


def person(i: int) -> tuple[str, datetime.date, str]:
    """A valid, unique 18-character ID number for worker i, its birth date and sex."""
    birth = FIRST_BIRTH + datetime.timedelta(days=(i * 7919) % BIRTH_SPAN)
    sex = "M" if i % 2 else "F"
    sequence = (i // BIRTH_SPAN) % 500 * 2 + (1 if sex == "M" else 2)
    body = "330683%s%03d" % (birth.strftime("%Y%m%d"), sequence)
    return body + ric.calc_check_digit(body + "0"), birth, sex


def build_register(workers: int) -> Enterprise:
    """One enterprise and its workers, each employed there today."""
    now = timezone.now()
    village = Village.objects.create(name="测试村")
    enterprise = Enterprise.objects.create(
        uscc=make_uscc(7), name="培训记录测试企业", village=village
    )
    insert_rows(
        Worker,
        (
            "id_number",
            "name",
            "sex",
            "birth_date",
            "phone",
            "education",
            "political_status",
            "skill_level",
            "is_union_member",
            "remarks",
            "created_at",
            "updated_at",
        ),
        (
            (number, "职工%06d" % i, sex, birth, "", "", "masses", "", False, "", now, now)
            for i in range(workers)
            for number, birth, sex in [person(i)]
        ),
    )
    hired = datetime.date(2020, 3, 1)
    # Read before the COPY starts: the connection cannot run a query in the middle of one.
    worker_pks = list(Worker.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        Employment,
        (
            "worker_id",
            "enterprise_id",
            "position",
            "is_frontline",
            "contract_type",
            "hire_date",
            "departure_date",
            "created_at",
            "updated_at",
        ),
        ((pk, enterprise.pk, "操作工", True, "", hired, None, now, now) for pk in worker_pks),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE workers_worker, workers_employment")
    return enterprise


def build_file(path: Path, rows: int, courses: int, *, changed_every: int = 0) -> None:
    """One record per worker: worker i on course i % courses; every `changed_every`-th row
    with other hours."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("培训记录")
    sheet.append(["培训记录测试企业2026年职工培训记录"])
    sheet.append(HEADER)
    first_day = datetime.date(2026, 1, 5)
    for i in range(rows):
        number, _birth, _sex = person(i)
        course = i % courses
        starts = first_day + datetime.timedelta(days=course % 300)
        hours = 8 + course % 40 + (0.5 if i % 3 == 0 else 0)
        if changed_every and i % changed_every == 0:
            hours += 1
        sheet.append(
            [
                number,
                "职工%06d" % i,
                "职业技能培训%03d" % course,
                starts.isoformat(),
                (starts + datetime.timedelta(days=4)).isoformat(),
                hours,
                MODES[course % len(MODES)],
                "嵊州市职工培训学院" if course % 2 else "企业职工学院",
                "是" if i % 10 else "否",
            ]
        )
    workbook.save(path)


def child_environment() -> dict[str, str]:
    """The parent's environment (its throwaway keys) pointed at the throwaway database."""
    url = urlsplit(os.environ["DATABASE_URL"])
    database = connection.settings_dict["NAME"]
    return dict(os.environ, DATABASE_URL=urlunsplit(url._replace(path="/" + database)))


def timed(label: str, path: Path, env: dict[str, str], folder: str) -> None:
    """`manage.py import_training_records FILE --json` in a fresh process: wall time, counts,
    and that process's own peak RSS (wait4 reports one child's, not the largest child's)."""
    out, err = Path(folder, "out.json"), Path(folder, "err.txt")
    begin = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 (this project's manage.py, fixed arguments)
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "import_training_records",
                str(path),
                "--json",
            ],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - begin
    code = process.returncode
    if code:
        sys.exit(
            "import failed (%s): %s %s" % (code, out.read_text()[:2000], err.read_text()[-2000:])
        )
    c = json.loads(out.read_text())["counts"]
    print(
        "%-28s %6.2f s  rows %6d created %6d updated %6d unchanged %6d  peak RSS %5.0f MB"
        % (
            label,
            elapsed,
            c["rows"],
            c["created"],
            c["updated"],
            c["unchanged"],
            usage.ru_maxrss / 1024,
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=200)
    args = parser.parse_args()
    with throwaway_database() as folder:
        if connection.vendor != "postgresql":
            sys.exit("bench_training_records.py measures PostgreSQL: set DATABASE_URL=postgres://…")
        begin = time.perf_counter()
        build_register(args.rows)
        first, changed = Path(folder, "records.xlsx"), Path(folder, "changed.xlsx")
        build_file(first, args.rows, args.courses)
        build_file(changed, args.rows, args.courses, changed_every=10)
        print(
            "built %d workers and two %d-row files in %.1f s (%.1f MB each)"
            % (args.rows, args.rows, time.perf_counter() - begin, first.stat().st_size / 2**20),
            flush=True,
        )
        env = child_environment()
        connection.close()
        timed("%d rows, first import" % args.rows, first, env, folder)
        timed("%d rows, unchanged" % args.rows, first, env, folder)
        timed("%d rows, 10%% changed" % args.rows, changed, env, folder)
        print(
            "stored: %d courses, %d training records"
            % (Course.objects.count(), TrainingRecord.objects.count()),
            flush=True,
        )


if __name__ == "__main__":
    main()
