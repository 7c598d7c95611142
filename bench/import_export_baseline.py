"""The baseline of issue 3: the same roster imported with django-import-export's defaults.

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \
        .venv/bin/python bench/import_export_baseline.py [--rows 2000]

`time_import_export` reads the roster that bench_roster.build writes, turns its Chinese cells into
model values with the same imports.cells parsers our import uses, and hands two tablib Datasets to
two default ModelResources (no bulk mode, default instance loader, skip_unchanged off). main()
times our roster_import and the baseline on the same file, each as a first import of the same
workers, and prints the ratio issue 3 asks for (ours should be at least 10× faster).
"""

import argparse
import time
from pathlib import Path
from typing import Any

import openpyxl
import tablib
from common import throwaway_database  # sets up Django first
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from import_export import fields, resources, widgets

from core.choices import Sex
from core.identity import parse_resident_id
from enterprises.models import Enterprise
from imports.cells import (
    normalise_header,
    parse_contract_type,
    parse_date,
    parse_phone,
    parse_political_status,
    parse_skill_level,
    parse_text,
    parse_yes_no,
)
from workers.models import Employment, Worker

WORKER_HEADERS = [
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "education",
    "political_status",
    "skill_level",
    "is_union_member",
    "union_joined_on",
    "remarks",
]
EMPLOYMENT_HEADERS = [
    "worker",
    "enterprise",
    "position",
    "is_frontline",
    "contract_type",
    "hire_date",
]
SEXES = {"男": Sex.MALE.value, "女": Sex.FEMALE.value}


class WorkerResource(resources.ModelResource):
    class Meta:
        model = Worker
        import_id_fields = ["id_number"]


def employment_resource(enterprise: Enterprise) -> resources.ModelResource:
    """A default Employment resource that can only see and write `enterprise`'s open jobs.

    django-import-export applies no admin scoping by itself (issue 3), so the resource's
    queryset and the enterprise widget's queryset both carry it.
    """
    scope = Enterprise.objects.filter(pk=enterprise.pk)

    class EnterpriseWidget(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return scope

    class EmploymentResource(resources.ModelResource):
        worker = fields.Field(
            attribute="worker",
            column_name="worker",
            widget=widgets.ForeignKeyWidget(Worker, field="id_number"),
        )
        enterprise = fields.Field(
            attribute="enterprise", column_name="enterprise", widget=EnterpriseWidget(Enterprise)
        )

        class Meta:
            model = Employment
            import_id_fields = ["worker", "enterprise"]

        def get_queryset(self):
            return Employment.objects.filter(enterprise=enterprise, departure_date__isnull=True)

    return EmploymentResource()


def roster_datasets(path: Path, enterprise: Enterprise) -> tuple[tablib.Dataset, tablib.Dataset]:
    """The roster's rows as model values: title row skipped, the header row names the columns."""
    today = timezone.localdate()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
        header = [normalise_header(cell) for cell in next(rows)]
        workers = tablib.Dataset(headers=WORKER_HEADERS)
        employments = tablib.Dataset(headers=EMPLOYMENT_HEADERS)
        for cells in rows:
            row = dict(zip(header, cells, strict=False))
            number = parse_resident_id(row["身份证号"]).number
            member = parse_yes_no(row["是否工会会员"])
            workers.append(
                [
                    number,
                    parse_text(row["姓名"], max_length=50, label="姓名"),
                    SEXES[parse_text(row["性别"], max_length=4, label="性别")],
                    parse_date(row["出生日期"], label="出生日期"),
                    parse_phone(row["手机号码"]),
                    parse_text(row["学历"], max_length=30, label="学历"),
                    parse_political_status(row["政治面貌"]),
                    parse_skill_level(row["职业技能等级"]),
                    member,
                    # Our import records a new member as joining today; so does the baseline.
                    today if member else None,
                    parse_text(row["备注"], max_length=200, label="备注"),
                ]
            )
            employments.append(
                [
                    number,
                    enterprise.pk,
                    parse_text(row["岗位"], max_length=100, label="岗位"),
                    parse_yes_no(row["是否一线职工"]),
                    parse_contract_type(row["劳动合同类型"]),
                    parse_date(row["入职日期"], label="入职日期"),
                ]
            )
    finally:
        workbook.close()
    return workers, employments


def time_import_export(path: Path, enterprise: Enterprise) -> tuple[float, int]:
    """Seconds for django-import-export's two default import_data calls, and the row count.

    Reading and translating the file is not timed, which favours the baseline.
    """
    workers, employments = roster_datasets(path, enterprise)
    worker_resource, employment_resource_ = WorkerResource(), employment_resource(enterprise)
    start = time.perf_counter()
    with transaction.atomic():
        worker_result = worker_resource.import_data(workers, dry_run=False, raise_errors=True)
        employment_result = employment_resource_.import_data(
            employments, dry_run=False, raise_errors=True
        )
    elapsed = time.perf_counter() - start

    rows = len(workers)
    for result in (worker_result, employment_result):
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["error"] == result.totals["invalid"] == 0, result.totals
    open_here = Employment.objects.filter(enterprise=enterprise, departure_date__isnull=True)
    assert open_here.count() == rows, (open_here.count(), rows)
    assert Worker.objects.filter(employments__in=open_here).distinct().count() == rows
    return elapsed, rows


def table_contents(enterprise: Enterprise) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """What both imports must have written, without ids and timestamps."""
    workers = set(Worker.objects.values_list(*WORKER_HEADERS))
    jobs = set(
        Employment.objects.filter(enterprise=enterprise).values_list(
            "worker__id_number", "position", "is_frontline", "contract_type", "hire_date"
        )
    )
    return workers, jobs


def time_ours(path: Path, enterprise: Enterprise) -> float:
    from imports.services import dataset_import
    from workers.importers import ROSTER

    content = path.read_bytes()
    start = time.perf_counter()
    result, _record = dataset_import(
        kind=ROSTER,
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
    return elapsed


def main() -> None:
    import bench_roster

    from enterprises.models import Village
    from tests.factories import make_uscc

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    # Production runs without DEBUG; with it Django would also log every query of both paths.
    settings.DEBUG = False
    with throwaway_database() as folder:
        village = Village.objects.create(name="测试村")
        ours_in = Enterprise.objects.create(uscc=make_uscc(91001), name="企业甲", village=village)
        theirs_in = Enterprise.objects.create(uscc=make_uscc(91002), name="企业乙", village=village)
        path = Path(folder, "roster.xlsx")
        bench_roster.build(path, args.rows)

        ours = time_ours(path, ours_in)
        expected_workers, expected_jobs = table_contents(ours_in)
        assert len(expected_jobs) == args.rows

        # A first import again: the same workers must be new to the baseline too.
        Employment.objects.all().delete()
        Worker.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE workers_employment, workers_worker")

        start = time.perf_counter()
        theirs, rows = time_import_export(path, theirs_in)
        theirs_with_reading = time.perf_counter() - start
        assert table_contents(theirs_in) == (expected_workers, expected_jobs), (
            "django-import-export wrote different rows from ours"
        )

    print("rows                                 %8d" % rows)
    print("ours, file to committed rows         %8.2f s" % ours)
    print("import-export, import_data only      %8.2f s" % theirs)
    print("import-export, with reading the file %8.2f s" % theirs_with_reading)
    print("ratio (import_data only / ours)      %8.1f×" % (theirs / ours))
    print("ratio (with reading / ours)          %8.1f×" % (theirs_with_reading / ours))


if __name__ == "__main__":
    main()
