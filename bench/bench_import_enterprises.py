"""Time the enterprise-register import end to end (file → parse → plan → apply).

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \
        .venv/bin/python bench/bench_import_enterprises.py [--rows 3000 20000]

It creates a throwaway test database (test_<name>), runs first import, unchanged re-import and
a re-import with 10% of rows changed for each size, prints seconds and peak memory, and drops
the database again.
"""

import argparse
import time
from pathlib import Path

import openpyxl
from common import peak_mb, throwaway_database  # sets up Django first

from enterprises.importers import ENTERPRISES
from enterprises.models import Enterprise
from imports.services import dataset_import
from tests.factories import make_uscc

HEADER = ["统一社会信用代码", "企业名称", "所属村（社区）", "所属工业园区", "是否规上企业", "行业"]


def build(path: Path, rows: int, changed_every: int = 0) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名录")
    sheet.append(["剡湖街道企业名录"])
    sheet.append(HEADER)
    for i in range(rows):
        name = "嵊州市测试企业%06d有限公司" % i
        if changed_every and i % changed_every == 0:
            name += "（更名）"
        sheet.append(
            [
                make_uscc(i),
                name,
                "村%02d" % (i % 40),
                "园区%d" % (i % 3) if i % 2 else None,
                "是" if i % 5 == 0 else "否",
                "行业%d" % (i % 12),
            ]
        )
    workbook.save(path)


def timed(label: str, path: Path) -> None:
    content = path.read_bytes()
    start = time.perf_counter()
    result, _record = dataset_import(
        kind=ENTERPRISES,
        user=None,
        filename=path.name,
        content=content,
        dry_run=False,
        source="bench",
    )
    elapsed = time.perf_counter() - start
    assert result.ok, result.errors[:3]
    c = result.counts
    print(
        "%-28s %7.2f s  created %6d updated %6d unchanged %6d  peak RSS %6.0f MB"
        % (label, elapsed, c["created"], c["updated"], c["unchanged"], peak_mb())
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[3000, 20000])
    args = parser.parse_args()
    with throwaway_database() as folder:
        for rows in args.rows:
            Enterprise.objects.all().delete()
            first, changed = Path(folder, "first.xlsx"), Path(folder, "changed.xlsx")
            build(first, rows)
            build(changed, rows, changed_every=10)
            timed("%d rows, first import" % rows, first)
            timed("%d rows, unchanged" % rows, first)
            timed("%d rows, 10%% changed" % rows, changed)


if __name__ == "__main__":
    main()
