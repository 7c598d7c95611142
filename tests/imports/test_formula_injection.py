"""Formula injection (issue 12 item 8): text from the database or from an upload that starts
with = + - @ (or a tab) is written as TEXT by every writer of the portal, exactly as typed,
never as a formula. Each test makes records through the factories, produces the file through
the real view, service or command, and reads every sheet back: no formula cell, no <f> element
in the sheet XML, every text unchanged."""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports import xlsx
from imports.models import ImportRecord
from imports.xlsx import Table, table_workbook
from reports.services import report_build, report_request
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    IndustrialParkFactory,
    UnionCoverageFactory,
    UnionOrganisationFactory,
    UserFactory,
    VillageFactory,
    WorkerFactory,
)
from worklist.models import ReformTask

pytestmark = pytest.mark.django_db

# What an attacker (or an unlucky user) may type as a name. "#N/A" is not a formula, but
# openpyxl would write it as an error value: it must stay the text it is too.
FORMULA_LIKE = [
    "=1+1",
    "+cmd",
    "-2+3",
    "@SUM(A1)",
    "\t=x",
    '=HYPERLINK("http://x.cn","点我")',  # fits 学历 (30 characters)
    "#N/A",
]
HIRED = datetime.date(2020, 1, 1)
FUND_HEADER = (
    "统一社会信用代码",
    "年度",
    "职工工资总额",
    "教育培训经费提取额",
    "教育培训经费使用额",
    "其中一线职工使用额",
    "备注",
)
_FORMULA_ELEMENT = re.compile(r"<(?:\w+:)?f[\s>/]")


def assert_text_only(content: bytes, texts: Iterable[str]) -> None:
    """No cell of any sheet is a formula (or an error value), in the XML and as openpyxl reads
    it, and each of `texts` is some cell's exact value."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [n for n in package.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
        assert sheets
        for name in sheets:
            xml = package.read(name).decode()
            assert not _FORMULA_ELEMENT.search(xml), "a formula in %s" % name
            assert 't="e"' not in xml, "an error value in %s" % name
    book = openpyxl.load_workbook(io.BytesIO(content))
    values = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.add(cell.value)
    missing = [text for text in texts if text not in values]
    assert not missing, "not written exactly: %r" % missing


@pytest.fixture
def tricky():
    """One enterprise per formula-like name, in a village and a park named like that too, with
    a union named like that (covering every other enterprise) and a worker named like that."""
    enterprises = []
    for n, text in enumerate(FORMULA_LIKE):
        enterprise = EnterpriseFactory(
            name=text,
            village=VillageFactory(name=text),
            park=IndustrialParkFactory(name=text),
            is_above_scale=n % 2 == 0,
            industry=text,
            legal_representative=text,
        )
        union = UnionOrganisationFactory(name=text, chair=text, village=enterprise.village)
        if n % 2 == 0:
            UnionCoverageFactory(union=union, enterprise=enterprise, start_date=HIRED)
        EmploymentFactory(
            worker=WorkerFactory(name=text, education=text, remarks=text),
            enterprise=enterprise,
            position=text,
            hire_date=HIRED,
        )
        enterprises.append(enterprise)
    return enterprises


def test_union_coverage_export(client, union_user, tricky):
    client.force_login(union_user)
    response = client.get(reverse("unions:enterprises"), {"format": "xlsx"})
    assert response.status_code == 200
    assert_text_only(response.content, FORMULA_LIKE)


def test_fund_compliance_export(client, staff_user, tricky):
    client.force_login(staff_user)
    year = timezone.localdate().year - 1
    response = client.get(reverse("training:compliance"), {"year": year, "format": "xlsx"})
    assert response.status_code == 200
    assert_text_only(response.content, FORMULA_LIKE)


def test_admin_enterprise_export(client, staff_user, tricky):
    client.force_login(staff_user)
    selected = client.post(
        reverse("admin:enterprises_enterprise_changelist"),
        {
            "action": "export_selected_xlsx",
            "_selected_action": [e.pk for e in tricky],
            "select_across": "0",
            "index": "0",
        },
    )
    assert selected.status_code == 200
    assert_text_only(selected.content, FORMULA_LIKE)
    listed = client.get(reverse("admin:enterprises_enterprise_export_xlsx"))
    assert listed.status_code == 200
    assert_text_only(listed.content, FORMULA_LIKE)


@pytest.mark.parametrize(
    ("register", "texts"),
    [
        ("enterprises_village", FORMULA_LIKE),
        ("enterprises_industrialpark", FORMULA_LIKE),
        ("unions_unionorganisation", FORMULA_LIKE),
        ("unions_unioncoverage", FORMULA_LIKE[::2]),  # the covered enterprises
        ("workers_worker", FORMULA_LIKE),
        ("workers_employment", FORMULA_LIKE),
    ],
)
def test_admin_exports_of_other_registers(client, staff_user, tricky, register, texts):
    client.force_login(staff_user)
    response = client.get(reverse("admin:%s_export_xlsx" % register))
    assert response.status_code == 200
    assert_text_only(response.content, texts)


def test_quarterly_report_workbook(tricky, roles):
    from django.contrib.auth.models import Group

    from core.roles import Role

    author = UserFactory(username="author", first_name="=1+1")
    author.groups.add(Group.objects.get(name=Role.STAFF))  # who may request a report
    for n, text in enumerate(FORMULA_LIKE):
        ReformTask.objects.create(
            code="X-%d" % n, section=ReformTask.Section.ORGANISATION, title=text
        )
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period="2026Q1", user=author)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        content = handle.read()
    assert_text_only(content, FORMULA_LIKE)
    book = openpyxl.load_workbook(io.BytesIO(content))
    for title in ("按企业", "经费达标", "按村（社区）", "按工业园区", "工作清单"):
        column = {row[0] for row in book[title].iter_rows(min_row=2, values_only=True)}
        assert set(FORMULA_LIKE) <= column, title
    uncovered = {row[0] for row in book["未建会企业"].iter_rows(min_row=2, values_only=True)}
    assert uncovered == set(FORMULA_LIKE[1::2])
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True) if row[0]}
    assert cover["生成人"] == "=1+1"


def test_roster_export_and_its_title(client, staff_user, tricky):
    client.force_login(staff_user)
    for enterprise in tricky:
        response = client.get(reverse("workers:roster_export", args=[enterprise.pk]))
        assert response.status_code == 200
        name = enterprise.name
        assert_text_only(response.content, ["%s职工花名册" % name, name])


def test_annotated_file_gives_the_users_own_cells_back_as_text(client, hr_user):
    own = EnterpriseFactory(name="甲公司")
    own.hr_users.add(hr_user)
    year = timezone.localdate().year - 1
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FUND_HEADER)
    for text in FORMULA_LIKE:
        writer.writerow([own.uscc, year, text, 80, 0, 0, text])
    client.force_login(hr_user)
    client.post(
        reverse("training:enterprise", args=[own.pk]),
        {"upload": "1", "file": SimpleUploadedFile("经费.csv", buffer.getvalue().encode())},
    )
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.INVALID
    response = client.get(reverse("training:upload_annotated", args=[record.pk]))
    assert response.status_code == 200
    # The reader trims cells: a tab in front of "=x" does not come back.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert_text_only(content, [t for t in FORMULA_LIKE if not t[0].isspace()])


def test_upload_templates(client, staff_user, hr_user):
    client.force_login(staff_user)
    roster = client.get(reverse("workers:roster_template"))
    assert roster.status_code == 200
    assert_text_only(roster.content, ["姓名"])
    own = EnterpriseFactory(name="=1+1")
    own.hr_users.add(hr_user)
    client.force_login(hr_user)
    response = client.get(reverse("training:template", args=[own.pk]))
    assert response.status_code == 200
    assert_text_only(response.content, ["统一社会信用代码", own.uscc])


def test_the_shared_writer_keeps_numbers_numbers_and_text_text():
    content = table_workbook(
        [Table("t", ["名称", "代码", "数"], [[text, text, -5] for text in FORMULA_LIKE], {1})]
    )
    assert_text_only(content, FORMULA_LIKE)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {-5}


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x"])
def test_csv_text_defuses_formula_starts(text):
    assert xlsx.csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["甲公司", "", "1+1", None, -5, 3.5, "a=b"])
def test_csv_text_leaves_everything_else(value):
    assert xlsx.csv_text(value) == value
