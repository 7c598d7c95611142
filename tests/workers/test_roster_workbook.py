"""The roster template and export are files that import_roster reads back unchanged."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from imports.services import dataset_import
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory, make_id_number
from workers.importers import ROSTER
from workers.models import Employment, Worker
from workers.roster_workbook import roster_workbook


def test_template_round_trip_fill_and_upload_applies(db):
    workbook = openpyxl.load_workbook(io.BytesIO(roster_workbook(title="花名册")))
    sheet = workbook["花名册"]
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["姓名", "身份证号"]
    assert sheet.column_dimensions["B"].number_format == "@"  # ID column is text
    kinds = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"是,否"' in kinds and any("中共党员" in k for k in kinds)
    assert "填写说明" in workbook.sheetnames

    values = {
        "姓名": "张三",
        "身份证号": make_id_number(1, datetime.date(1988, 2, 3)),
        "是否一线职工": "是",
        "职业技能等级": "中级工(四级)",
        "政治面貌": "中共党员",
        "是否工会会员": "否",
        "入职日期": datetime.date(2019, 4, 1),
    }
    for index, name in enumerate(header, start=1):
        sheet.cell(row=3, column=index, value=values.get(name))
    buffer = io.BytesIO()
    workbook.save(buffer)

    enterprise = EnterpriseFactory()
    result, _ = dataset_import(
        kind=ROSTER,
        user=None,
        enterprise=enterprise,
        filename="t.xlsx",
        content=buffer.getvalue(),
        dry_run=False,
    )
    assert result.ok, [e.as_dict() for e in result.errors]
    assert result.counts["created"] == 1
    worker = Worker.objects.get()
    assert worker.name == "张三" and worker.skill_level == "intermediate"


def test_export_then_upload_is_all_unchanged(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enterprise = EnterpriseFactory()
    for n in range(5):
        EmploymentFactory(
            enterprise=enterprise,
            worker=WorkerFactory(
                skill_level="senior" if n % 2 else "", remarks="=SUM(A1)" if n == 0 else ""
            ),
            contract_type="fixed_term" if n % 2 else "",
        )
    employments = Employment.objects.filter(enterprise=enterprise).select_related("worker")

    content = roster_workbook(title="导出", employments=employments)
    result, _ = dataset_import(
        kind=ROSTER,
        user=None,
        enterprise=enterprise,
        filename="e.xlsx",
        content=content,
        dry_run=False,
    )

    assert result.ok, [e.as_dict() for e in result.errors]
    assert (result.counts["unchanged"], result.counts["updated"]) == (5, 0)
    assert Worker.objects.filter(remarks="=SUM(A1)").exists()


def test_hr_downloads_only_their_own_roster(client, hr_user, union_user):
    own, other = EnterpriseFactory(), EnterpriseFactory()
    own.hr_users.add(hr_user)
    mine = EmploymentFactory(enterprise=own).worker
    EmploymentFactory(enterprise=other)
    client.force_login(hr_user)

    response = client.get(reverse("workers:roster_export", args=[own.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["花名册"]
    assert [c.value for c in sheet[3]][1] == mine.id_number
    assert sheet.max_row == 3

    assert client.get(reverse("workers:roster_export", args=[other.pk])).status_code == 404
    assert client.get(reverse("workers:roster_template")).status_code == 200

    client.force_login(union_user)  # sees the enterprise, but not ID numbers
    assert client.get(reverse("workers:roster_export", args=[own.pk])).status_code == 404
    assert client.get(reverse("workers:roster_template")).status_code == 403


@pytest.mark.parametrize("fixture", ["official_user"])
def test_official_gets_no_roster_files(client, db, request, fixture):
    enterprise = EnterpriseFactory()
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("workers:roster_export", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("workers:roster_template")).status_code == 403
