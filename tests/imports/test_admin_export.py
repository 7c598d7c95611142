"""imports.admin.XlsxExportMixin on any register: how field paths, choices, booleans, related
objects and personal columns are written, in a fixed number of queries."""

import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choices import ContractType
from imports.admin import ExportColumn, XlsxExportMixin
from tests.factories import EmploymentFactory, IndustrialParkFactory, VillageFactory
from workers.models import Employment


class EmploymentExport(XlsxExportMixin, admin.ModelAdmin):
    export_columns = [
        ("姓名", "worker__name"),
        ExportColumn("身份证号", "worker__id_number", personal=True),
        ("性别", "worker__sex"),
        ("企业", "enterprise"),
        ("所属村（社区）", "enterprise__village__name"),
        ("所属工业园区", "enterprise__park__name"),
        ("是否一线职工", "is_frontline"),
        ("劳动合同类型", "contract_type"),
        ("入职日期", "hire_date"),
        ExportColumn("岗位（大写）", lambda e: e.position.upper(), text=True),
    ]
    export_sheet_title = "职工/岗位"


@pytest.fixture
def jobs(db):
    village, park = VillageFactory(name="城东社区"), IndustrialParkFactory(name="剡湖工业园区")
    first = EmploymentFactory(
        enterprise__village=village,
        enterprise__park=park,
        contract_type=ContractType.OPEN_ENDED,
        position="cnc",
    )
    second = EmploymentFactory(enterprise__village=village, is_frontline=False, position="qc")
    return [first, second]


def export(rf, user, queryset) -> tuple[list[tuple], openpyxl.Workbook]:
    request = rf.get("/")
    request.user = user
    response = EmploymentExport(Employment, admin.site).export_xlsx_response(request, queryset)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.worksheets[0].values), book


def test_values_are_written_as_people_read_them(rf, staff_user, jobs):
    rows, book = export(rf, staff_user, Employment.objects.order_by("pk"))
    first = jobs[0]
    assert book.sheetnames == ["职工／岗位"]
    assert rows[0][:4] == ("姓名", "身份证号", "性别", "企业")
    assert rows[1] == (
        first.worker.name,
        first.worker.id_number,
        "男",
        first.enterprise.name,
        "城东社区",
        "剡湖工业园区",
        "是",
        "无固定期限",
        datetime.datetime(2020, 3, 1),
        "CNC",
    )
    assert rows[2][5:8] == (None, "否", None)
    sheet = book.worksheets[0]
    assert sheet["B2"].number_format == "@" and sheet["J2"].number_format == "@"


def test_personal_columns_are_left_out_for_union_officers(rf, union_user, jobs):
    rows, _book = export(rf, union_user, Employment.objects.all())
    assert "身份证号" not in rows[0]
    assert all(job.worker.id_number not in row for job in jobs for row in rows)


def test_one_query_for_the_rows_whatever_their_number(rf, staff_user, jobs):
    export(rf, staff_user, Employment.objects.all())  # the user's roles, read once a request
    with CaptureQueriesContext(connection) as few:
        export(rf, staff_user, Employment.objects.all())
    for _ in range(20):
        EmploymentFactory()
    with CaptureQueriesContext(connection) as many:
        rows, _book = export(rf, staff_user, Employment.objects.all())
    assert len(rows) == 23
    # The rows with their workers, enterprises, villages and parks; the audit row; the
    # personal-data access-log row (the export has the ID number column).
    assert len(few) == len(many) == 3, [q["sql"] for q in many.captured_queries]
