"""Time a roster upload end to end (file → parse → plan → apply) on the configured database.

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \
        .venv/bin/python bench/bench_roster.py [--rows 10000 100000]

For each size: a first upload into an empty enterprise, then a re-upload of the same size with
10% of rows changed. Prints seconds per step and peak RSS; works in a throwaway test database.
"""

import argparse
import datetime
import random
import time
from pathlib import Path

import openpyxl
from common import peak_mb, throwaway_database  # sets up Django first

from enterprises.models import Enterprise, Village
from tests.factories import make_uscc
from workers.services import roster_import

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


def timed(label: str, enterprise: Enterprise, path: Path) -> None:
    content = path.read_bytes()
    start = time.perf_counter()
    result, _record = roster_import(
        user=None,
        enterprise=enterprise,
        filename=path.name,
        content=content,
        dry_run=False,
        source="bench",
        confirm_departures=True,
    )
    elapsed = time.perf_counter() - start
    assert result.ok, [e.as_dict() for e in result.errors[:3]]
    c = result.counts
    print(
        "%-32s %7.2f s  created %6d updated %6d unchanged %6d departed %5d  peak RSS %5.0f MB"
        % (label, elapsed, c["created"], c["updated"], c["unchanged"], c["departed"], peak_mb()),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10000, 100000])
    args = parser.parse_args()
    with throwaway_database() as folder:
        village = Village.objects.create(name="测试村")
        for index, rows in enumerate(args.rows):
            enterprise = Enterprise.objects.create(
                uscc=make_uscc(90000 + index), name="企业%d" % rows, village=village
            )
            first, changed = Path(folder, "first.xlsx"), Path(folder, "changed.xlsx")
            build(first, rows)
            build(changed, rows, changed_share=0.1, seed=2)
            timed("%d rows, first upload" % rows, enterprise, first)
            timed("%d rows, 10%% changed" % rows, enterprise, changed)


if __name__ == "__main__":
    main()
