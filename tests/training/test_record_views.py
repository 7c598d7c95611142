"""HR's 培训记录 pages through the web, as each role: the template, the two-step upload, the list
of the enterprise's records, and another enterprise's HR finding none of it."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from imports.models import ImportRecord
from tests.factories import (
    CourseFactory,
    EmploymentFactory,
    EnterpriseFactory,
    TrainingRecordFactory,
    UserFactory,
    WorkerFactory,
)
from tests.training.test_import_training_records import HEADER, person, row
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(hr_user):
    enterprise = EnterpriseFactory(name="甲公司")
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.fixture
def staff_of_own(own):
    """Workers 1 and 2 at 甲公司."""
    workers = {n: WorkerFactory(id_number=person(n), name="职工%d" % n) for n in (1, 2)}
    for worker in workers.values():
        EmploymentFactory(worker=worker, enterprise=own)
    return workers


@pytest.fixture
def hr_b(roles):
    user = UserFactory(username="hr-b")
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise = EnterpriseFactory(name="乙公司")
    enterprise.hr_users.add(user)
    return user


def page_url(enterprise) -> str:
    return reverse("training:records_enterprise", args=[enterprise.pk])


def filled_template(client, enterprise, rows) -> bytes:
    """The template as HR download it, with rows typed under its header."""
    response = client.get(reverse("training:records_template", args=[enterprise.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["培训记录"]
    assert [cell.value for cell in sheet[2]] == HEADER
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_upload(client, enterprise, content: bytes, name: str = "培训记录.xlsx"):
    return client.post(page_url(enterprise), {"file": SimpleUploadedFile(name, content)})


def test_hr_land_on_their_enterprise_and_staff_search_the_register(
    client, hr_user, staff_user, own
):
    client.force_login(hr_user)
    assert client.get(reverse("training:records_home")).url == page_url(own)
    EnterpriseFactory(name="丙公司")
    client.force_login(staff_user)
    page = client.get(reverse("training:records_home")).content.decode()
    assert "甲公司" in page and "丙公司" in page
    assert "<title>培训记录" in page and 'id="record-enterprises"' in page
    assert 'href="%s"' % page_url(own) in page
    page = client.get(reverse("training:records_home"), {"q": "丙"}).content.decode()
    assert "丙公司" in page and "甲公司" not in page
    assert client.get(page_url(own)).status_code == 200


def test_the_template_has_the_columns_text_ids_and_drop_downs(client, hr_user, own):
    client.force_login(hr_user)
    response = client.get(reverse("training:records_template", args=[own.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["培训记录"]
    assert "甲公司" in sheet["A1"].value
    assert sheet.column_dimensions["A"].number_format == "@"
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert lists == {"G": '"线上,线下,线上线下"', "I": '"是,否"'}
    assert "填写说明" in workbook.sheetnames


def test_hr_upload_is_previewed_then_applied_and_listed(client, hr_user, own, staff_of_own):
    client.force_login(hr_user)
    content = filled_template(client, own, [row(1), row(2, 学时="7.5", 是否结业="否")])
    response = post_upload(client, own, content)
    record = ImportRecord.objects.get()
    assert response.url == reverse("training:records_upload", args=[record.pk])
    assert (record.kind, record.status, record.enterprise) == (
        "training_records",
        ImportRecord.Status.VALIDATED,
        own,
    )
    preview = client.get(response.url).content.decode()
    assert "确认导入" in preview
    assert not TrainingRecord.objects.exists()

    client.post(reverse("training:records_upload_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED and record.applied_by == hr_user
    assert TrainingRecord.objects.count() == 2
    mine = TrainingRecord.objects.get(worker=staff_of_own[2])
    assert (mine.hours, mine.is_completed, mine.source, mine.enterprise) == (
        Decimal("7.5"),
        False,
        "upload",
        own,
    )

    page = client.get(page_url(own)).content.decode()
    assert "职工2" in page and "数控车床操作培训" in page and "7.5" in page
    assert person(1) not in page and person(2) not in page
    assert "培训记录.xlsx" in page  # the upload history


def test_an_upload_with_an_error_lists_it_and_changes_nothing(client, hr_user, own, staff_of_own):
    client.force_login(hr_user)
    content = filled_template(client, own, [row(1), row(2, 学时=0)])
    response = post_upload(client, own, content)
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.INVALID
    assert record.errors == [
        {"row": 4, "column": "学时", "message": "学时0不在允许的范围内：应大于0且不超过2000。"}
    ]
    page = client.get(response.url).content.decode()
    assert "学时0不在允许的范围内" in page
    annotated = client.get(reverse("training:records_upload_annotated", args=[record.pk]))
    assert annotated.status_code == 200
    assert not TrainingRecord.objects.exists()


def test_the_list_shows_only_the_enterprise_s_current_workers(client, hr_user, own, staff_of_own):
    course = CourseFactory(name="钳工培训")
    TrainingRecordFactory(course=course, worker=staff_of_own[1])
    departed = EmploymentFactory(
        enterprise=own,
        worker=WorkerFactory(name="已离职职工"),
        departure_date=timezone.localdate() - datetime.timedelta(days=1),
    ).worker
    TrainingRecordFactory(course=course, worker=departed)
    elsewhere = EmploymentFactory(worker=WorkerFactory(name="别家职工")).worker
    TrainingRecordFactory(course=course, worker=elsewhere)
    client.force_login(hr_user)
    page = client.get(page_url(own)).content.decode()
    assert "职工1" in page
    assert "已离职职工" not in page and "别家职工" not in page
    assert client.get(page_url(own), {"q": "职工1"}).context["records"].paginator.count == 1
    assert client.get(page_url(own), {"q": "焊工"}).context["records"].paginator.count == 0


def test_the_records_page_costs_the_same_queries_for_1_or_40_records(client, hr_user, own):
    client.force_login(hr_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(own)).status_code == 200
        return len(captured)

    worker = EmploymentFactory(enterprise=own).worker
    TrainingRecordFactory(worker=worker)
    one = queries()
    for _ in range(39):
        TrainingRecordFactory(worker=EmploymentFactory(enterprise=own).worker)
    assert queries() == one


def test_hr_of_another_enterprise_gets_404_for_every_page_and_download(
    client, hr_user, own, staff_of_own, hr_b
):
    client.force_login(hr_user)
    content = filled_template(client, own, [row(1)])
    post_upload(client, own, content, name="good.xlsx")
    post_upload(client, own, filled_template(client, own, [row(1, 学时=0)]), name="bad.xlsx")
    validated = ImportRecord.objects.get(original_name="good.xlsx")
    invalid = ImportRecord.objects.get(original_name="bad.xlsx")

    client.force_login(hr_b)
    urls = [
        page_url(own),
        reverse("training:records_template", args=[own.pk]),
        reverse("imports:template", args=["training_records", own.pk]),
        reverse("training:records_upload", args=[validated.pk]),
        reverse("training:records_upload_progress", args=[validated.pk]),
        reverse("training:records_upload_original", args=[validated.pk]),
        reverse("training:records_upload_annotated", args=[invalid.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert post_upload(client, own, content).status_code == 404
    for action in ("confirm", "retry"):
        url = reverse("training:records_upload_%s" % action, args=[validated.pk])
        assert client.post(url).status_code == 404
    validated.refresh_from_db()
    assert validated.status == ImportRecord.Status.VALIDATED
    assert ImportRecord.objects.count() == 2
    assert not TrainingRecord.objects.exists()


def test_union_officers_and_officials_have_no_records_pages(client, union_user, official_user, own):
    for user in (union_user, official_user):
        client.force_login(user)
        assert client.get(reverse("training:records_home")).status_code == 403
        assert client.get(page_url(own)).status_code == 403
        assert client.get(reverse("training:records_template", args=[own.pk])).status_code == 403


def test_staff_upload_an_enterprise_s_records_from_the_admin(
    client, staff_user, hr_user, own, staff_of_own
):
    client.force_login(hr_user)
    content = filled_template(client, own, [row(1), row(2)])
    client.force_login(staff_user)
    url = reverse("admin:enterprises_enterprise_upload", args=[own.pk, "training_records"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("培训记录.xlsx", content)})
    record = ImportRecord.objects.get()
    assert response.url == reverse("training:records_upload", args=[record.pk])
    assert record.status == ImportRecord.Status.VALIDATED
    client.post(reverse("training:records_upload_confirm", args=[record.pk]))
    assert TrainingRecord.objects.filter(enterprise=own, source="upload").count() == 2
