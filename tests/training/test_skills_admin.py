"""Staff keep courses, training records, competitions, results and certificates in the admin:
every write through the services (rules, audit row), ID numbers never a search, exports of
ID numbers only with the permission and logged."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog, PersonalDataAccess
from tests.admin_forms import admin_form_data
from tests.factories import (
    CompetitionFactory,
    CourseFactory,
    SkillCertificateFactory,
    TrainingRecordFactory,
    UserFactory,
    WorkerFactory,
)
from training.models import CompetitionResult, Course, TrainingRecord
from workers.models import SkillCertificate

pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    """Every error message the admin page shows (form, inlines)."""
    return str(response.context["errors"]) if response.context else ""


def test_a_record_takes_its_courses_start_and_a_new_start_moves_the_records(client, staff_user):
    course = CourseFactory(
        name="电工技能提升", starts_on=datetime.date(2025, 3, 3), ends_on=datetime.date(2025, 3, 7)
    )
    worker = WorkerFactory(name="王五")
    client.force_login(staff_user)
    add = reverse("admin:training_trainingrecord_add")
    data = admin_form_data(
        client.get(add),
        course=course.pk,
        worker=worker.pk,
        hours="7.5",
        mode="offline",
        is_completed="on",
    )
    assert client.post(add, data).status_code == 302
    record = TrainingRecord.objects.get(worker=worker)
    assert (record.starts_on, record.ends_on) == (course.starts_on, course.ends_on)
    assert (record.hours, record.source) == (Decimal("7.5"), "admin")
    assert AuditLog.objects.filter(action="training.record.saved", actor=staff_user).exists()

    change = reverse("admin:training_course_change", args=[course.pk])
    data = admin_form_data(client.get(change), starts_on="2025-03-01")
    assert client.post(change, data).status_code == 302
    record.refresh_from_db()
    assert record.starts_on == datetime.date(2025, 3, 1)

    # A start after one of its records ended would break the record: refused, nothing changed.
    data = admin_form_data(client.get(change), starts_on="2025-03-10", ends_on="2025-03-12")
    response = client.post(change, data)
    assert response.status_code == 200 and "请先核对培训记录" in _errors(response)
    assert Course.objects.get(pk=course.pk).starts_on == datetime.date(2025, 3, 1)


def test_no_record_on_a_course_that_has_not_started(client, staff_user):
    course = CourseFactory(
        starts_on=timezone.localdate() + datetime.timedelta(days=30), ends_on=None
    )
    client.force_login(staff_user)
    add = reverse("admin:training_trainingrecord_add")
    data = admin_form_data(client.get(add), course=course.pk, worker=WorkerFactory().pk, hours="8")
    response = client.post(add, data)
    assert response.status_code == 200
    assert "还不能登记培训记录" in _errors(response)
    assert not TrainingRecord.objects.exists()


def test_competition_results_through_the_inline(client, staff_user):
    competition = CompetitionFactory(name="剡湖街道电工比武", held_on=datetime.date(2025, 6, 1))
    first, second, third = (WorkerFactory(name=n) for n in ("甲", "乙", "丙"))
    client.force_login(staff_user)
    url = reverse("admin:training_competition_change", args=[competition.pk])
    page = client.get(url)
    rows = {
        "results-TOTAL_FORMS": "3",
        "results-0-worker": first.pk,
        "results-0-prize": "三等奖 ",
        "results-1-worker": second.pk,
        "results-1-prize": "",
        "results-2-worker": third.pk,
        "results-2-prize": "金奖",
    }
    response = client.post(url, admin_form_data(page, **rows))
    assert response.status_code == 200
    assert "只参赛未获奖请留空" in _errors(response)
    assert not CompetitionResult.objects.exists()  # all or nothing

    rows["results-2-prize"] = "第３名"
    assert client.post(url, admin_form_data(page, **rows)).status_code == 302
    results = {
        r.worker.name: (r.prize, r.is_prize, r.held_on, r.source)
        for r in CompetitionResult.objects.select_related("worker")
    }
    day = datetime.date(2025, 6, 1)
    assert results == {
        "甲": ("三等奖", True, day, "admin"),
        "乙": ("", False, day, "admin"),
        "丙": ("第3名", True, day, "admin"),
    }
    assert AuditLog.objects.filter(action="training.competition_result.saved").count() == 3

    # A new date moves the results' with it.
    data = admin_form_data(client.get(url), held_on="2025-05-30")
    assert client.post(url, data).status_code == 302
    assert set(CompetitionResult.objects.values_list("held_on", flat=True)) == {
        datetime.date(2025, 5, 30)
    }
    changelist = client.get(reverse("admin:training_competitionresult_changelist")).content
    assert "参赛" in changelist.decode()


def test_records_are_never_found_by_id_number(client, staff_user):
    record = TrainingRecordFactory(worker=WorkerFactory(name="赵六"))
    number = record.worker.id_number
    client.force_login(staff_user)
    url = reverse("admin:training_trainingrecord_changelist")
    assert client.get(url, {"q": "赵六"}).context["cl"].result_count == 1
    assert client.get(url, {"q": number}).context["cl"].result_count == 0
    assert client.get(url, {"worker__id_number": number}).status_code == 400
    results = reverse("admin:training_competitionresult_changelist")
    assert client.get(results, {"worker__id_number__startswith": number[:6]}).status_code == 400


def _export_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_record_export_has_id_numbers_only_with_the_permission_and_logs_them(client, staff_user):
    record = TrainingRecordFactory(worker=WorkerFactory(name="钱七"), hours=Decimal("2.5"))
    url = reverse("admin:training_trainingrecord_export_xlsx")
    client.force_login(staff_user)
    rows = _export_rows(client.get(url))
    assert rows[0][:3] == ("身份证号", "姓名", "培训项目")
    assert rows[1][:2] == (record.worker.id_number, "钱七")
    log = PersonalDataAccess.objects.get(actor=staff_user)
    assert (log.action, log.object_type, log.record_count) == (
        "export",
        "training.TrainingRecord",
        1,
    )

    # An admin user who may view the records but not whole ID numbers.
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_trainingrecord", content_type__app_label="training")
    )
    client.force_login(viewer)
    rows = _export_rows(client.get(url))
    assert rows[0][:2] == ("姓名", "培训项目")
    assert record.worker.id_number not in repr(rows)
    assert not PersonalDataAccess.objects.filter(actor=viewer).exists()


def test_certificate_entered_in_the_admin(client, staff_user):
    worker = WorkerFactory(name="孙八", skill_level="")
    client.force_login(staff_user)
    add = reverse("admin:workers_skillcertificate_add")
    data = admin_form_data(
        client.get(add),
        worker=worker.pk,
        occupation="电工",
        level="technician",
        number=" zj 2025 0042 ",
        issued_on="2025-08-01",
    )
    assert client.post(add, data).status_code == 302
    certificate = SkillCertificate.objects.get(worker=worker)
    assert (certificate.number, certificate.level_rank, certificate.source) == (
        "ZJ20250042",
        5,
        "admin",
    )
    assert AuditLog.objects.filter(
        action="workers.certificate.saved", object_id=str(certificate.pk)
    ).exists()
    # Found by number however typed, and by name.
    changelist = reverse("admin:workers_skillcertificate_changelist")
    assert client.get(changelist, {"q": "zj20250042"}).context["cl"].result_count == 1
    assert client.get(changelist, {"q": worker.id_number}).context["cl"].result_count == 0

    # The same number on another person is refused.
    data = admin_form_data(
        client.get(add),
        worker=WorkerFactory().pk,
        occupation="电工",
        level="senior",
        number="ZJ20250042",
        issued_on="2025-08-01",
    )
    response = client.post(add, data)
    assert response.status_code == 200 and "证书编号" in _errors(response)


def test_worker_change_page_lists_certificates_for_staff_only(client, staff_user, union_user):
    certificate = SkillCertificateFactory(number="ZJ77770001", occupation="钳工")
    url = reverse("admin:workers_worker_change", args=[certificate.worker.pk])
    client.force_login(staff_user)
    page = client.get(url)
    assert "ZJ77770001" in page.content.decode()
    # Saving the worker as shown leaves the read-only certificates alone.
    assert client.post(url, admin_form_data(page)).status_code == 302
    assert SkillCertificate.objects.get(pk=certificate.pk).occupation == "钳工"
    client.force_login(union_user)
    assert "ZJ77770001" not in client.get(url).content.decode()
