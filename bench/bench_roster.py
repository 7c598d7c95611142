"""Time a roster upload end to end (file → preview → confirm → applied) on the configured database.

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \
        .venv/bin/python bench/bench_roster.py [--rows 10000 100000] [--baseline-up-to 10000]

For each size: a first upload into an empty enterprise, then a re-upload of the same size with
10% of rows changed, both through the services behind HR's upload page (issue 3's targets: a
100,000-row first upload under 20 s with peak memory under 500 MB, a re-upload under 20 s).
Then django-import-export's default import_data of the same first file (bench/
import_export_baseline.py) and the ratio (ours should be at least 10× faster). Prints seconds
per step and peak RSS; works in a throwaway test database.
"""

import argparse
import datetime
import random
import time
from pathlib import Path
from typing import Any

import openpyxl
from common import peak_mb, throwaway_database  # sets up Django first
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from import_export_baseline import time_import_export

from core.roles import Role, roles_setup
from enterprises.models import Enterprise, Village
from imports.models import ImportRecord
from imports.services import upload_apply, upload_preview
from tests.factories import make_uscc
from workers.importers import ROSTER
from workers.models import Employment, Worker

HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "手机号码",
    "岗位",
    "是否一线职工",
    "职业技能等级",
    "政治面貌",
    "是否工会会员",
    "入职日期",
    "劳动合同类型",
    "学历",
    "备注",
]
LEVELS = ["", "学徒工", "初级工", "中级工(四级)", "高级工（三级）", "技师", "五级"]
STATUSES = ["", "群众", "党员", "中共预备党员", "团员"]
CONTRACTS = ["固定期限", "无固定期限", "劳务派遣", ""]
TODAY = datetime.date.today() - datetime.timedelta(days=1)


def build(path: Path, rows: int, *, changed_share: float = 0.0, seed: int = 1) -> None:
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["嵊州市某某有限公司职工花名册"])
    sheet.append(HEADER)
    for i in range(rows):
        birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=(i * 7919) % (38 * 365))
        sex = "M" if i % 2 else "F"
        number = unique_id(i, birth, sex)
        position = "操作工" if i % 5 else "质检员"
        if changed_share and rng.random() < changed_share:
            position = "班组长"
        sheet.append(
            [
                "职工%06d" % i,
                number,
                "男" if sex == "M" else "女",
                birth.isoformat(),
                "13%09d" % i,
                position,
                "是" if i % 4 else "否",
                LEVELS[i % len(LEVELS)],
                STATUSES[i % len(STATUSES)],
                "是" if i % 3 else "否",
                min(birth + datetime.timedelta(days=365 * 19 + i % 900), TODAY).isoformat(),
                CONTRACTS[i % len(CONTRACTS)],
                "高中",
                "",
            ]
        )
    workbook.save(path)


def unique_id(i: int, birth: datetime.date, sex: str) -> str:
    """make_id_number is unique per (birth, sequence); spread i over both."""
    from stdnum.cn import ric

    sequence = (i // (38 * 365)) % 500 * 2 + (1 if sex == "M" else 2)
    body = "330683%s%03d" % (birth.strftime("%Y%m%d"), sequence)
    return body + ric.calc_check_digit(body + "0")


def timed(label: str, user: Any, enterprise: Enterprise, path: Path) -> float:
    """The HR path: upload → preview (read, check, plan; nothing written) → confirm → applied."""
    content = path.read_bytes()
    start = time.perf_counter()
    record = upload_preview(
        kind=ROSTER, user=user, enterprise=enterprise, filename=path.name, content=content
    )
    previewed = time.perf_counter()
    assert record.status == ImportRecord.Status.VALIDATED, record.errors[:3]
    record = upload_apply(user=user, record=record, confirm_departures=True)
    done = time.perf_counter()
    assert record.status == ImportRecord.Status.APPLIED, record.errors[:3]
    c = record.counts
    print(
        "%-26s preview %6.2f s  apply %6.2f s  total %6.2f s  "
        "created %6d updated %6d unchanged %6d departed %5d  peak RSS %5.0f MB"
        % (
            label,
            previewed - start,
            done - previewed,
            done - start,
            c["created"],
            c["updated"],
            c["unchanged"],
            c["departed"],
            peak_mb(),
        ),
        flush=True,
    )
    return done - start


def baseline(path: Path, enterprise: Enterprise, ours: float, rows: int) -> None:
    """django-import-export's default import_data of the same rows, as a first import too."""
    Employment.objects.all().delete()
    Worker.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE workers_employment, workers_worker")
    theirs, counted = time_import_export(path, enterprise)
    assert counted == rows
    print(
        "%-26s import_data %6.2f s  (ours, first upload end to end: %.2f s)  ratio %.1f×"
        % ("%d rows, import-export" % rows, theirs, ours, theirs / ours),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument(
        "--baseline-up-to",
        type=int,
        default=10000,
        help="run django-import-export only for sizes up to this (it needs ~7 s per 1,000 rows)",
    )
    args = parser.parse_args()
    # Production runs without DEBUG (with it Django keeps every query), and a benchmark times
    # the import itself, so it runs in this process rather than through the Celery hop.
    settings.DEBUG = False
    settings.IMPORT_ASYNC_FROM_BYTES = 10**12
    with throwaway_database() as folder:
        roles_setup()
        user = get_user_model().objects.create(username="bench-staff", is_staff=True)
        user.groups.add(Group.objects.get(name=Role.STAFF))
        village = Village.objects.create(name="测试村")
        for index, rows in enumerate(args.rows):
            enterprise = Enterprise.objects.create(
                uscc=make_uscc(90000 + index), name="企业%d" % rows, village=village
            )
            first, changed = Path(folder, "first.xlsx"), Path(folder, "changed.xlsx")
            build(first, rows)
            build(changed, rows, changed_share=0.1, seed=2)
            ours = timed("%d rows, first upload" % rows, user, enterprise, first)
            timed("%d rows, 10%% changed" % rows, user, enterprise, changed)
            if rows <= args.baseline_up_to:
                other = Enterprise.objects.create(
                    uscc=make_uscc(95000 + index), name="对照%d" % rows, village=village
                )
                baseline(first, other, ours, rows)
            Employment.objects.all().delete()
            Worker.objects.all().delete()


if __name__ == "__main__":
    main()
