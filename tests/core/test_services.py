"""The shared save and delete under the apps' services: permission, validation, only the
changed columns, one audit row, and refusals in Chinese."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import LabourInspection
from core.admin import ServiceModelAdmin
from core.models import AuditLog
from core.services import record_delete, record_save
from tests.factories import EmploymentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def inspection(**fields):
    values = {
        "enterprise": EnterpriseFactory(),
        "inspected_on": datetime.date(2024, 3, 1),
        "subject": "工资支付",
        **fields,
    }
    return LabourInspection(**values)


def updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_a_change_writes_only_the_changed_column_and_a_no_op_writes_nothing(staff_user):
    row = inspection()
    record_save(actor=staff_user, instance=row, action="test.saved")
    row.inspector = "市劳动监察大队"
    with CaptureQueriesContext(connection) as queries:
        changes = record_save(actor=staff_user, instance=row, action="test.saved")
    assert changes == {"inspector": ["", "市劳动监察大队"]}
    [update] = updates(queries)
    assert "inspector" in update and "subject" not in update and "updated_at" in update

    with CaptureQueriesContext(connection) as queries:
        assert record_save(actor=staff_user, instance=row, action="test.saved") == {}
    assert not updates(queries)
    assert AuditLog.objects.filter(action="test.saved").count() == 2


def test_an_invalid_row_and_a_user_without_permission_write_nothing(staff_user, union_user):
    with pytest.raises(ValidationError):
        record_save(
            actor=staff_user,
            instance=inspection(deadline=datetime.date(2024, 2, 1)),
            action="test.saved",
        )
    with pytest.raises(PermissionDenied):
        record_save(actor=union_user, instance=inspection(), action="test.saved")
    with pytest.raises(PermissionDenied):
        record_save(actor=None, instance=inspection(), action="test.saved")
    assert not LabourInspection.objects.exists() and not AuditLog.objects.exists()


def test_a_row_others_point_to_is_not_deleted_and_a_second_delete_is_quiet(staff_user):
    enterprise = EmploymentFactory().enterprise
    with pytest.raises(ValidationError) as error:
        record_delete(actor=staff_user, instance=enterprise, action="test.deleted")
    assert "仍有关联的任职记录，不能删除" in str(error.value)

    row = inspection()
    row.save()
    copy = LabourInspection.objects.get(pk=row.pk)
    record_delete(actor=staff_user, instance=row, action="test.deleted")
    record_delete(actor=staff_user, instance=copy, action="test.deleted")
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["test.deleted"]


def test_an_admin_on_the_base_class_cannot_write_around_a_service(staff_user):
    model_admin = ServiceModelAdmin(LabourInspection, admin.site)
    request = RequestFactory().post("/")
    request.user = staff_user
    row = inspection()
    with pytest.raises(ImproperlyConfigured):
        model_admin.save_model(request, row, None, False)
    row.save()
    with pytest.raises(ImproperlyConfigured):
        model_admin.delete_queryset(request, LabourInspection.objects.all())
    assert LabourInspection.objects.filter(pk=row.pk).exists()


def test_a_service_refusing_a_delete_is_shown_and_nothing_is_deleted(
    client, staff_user, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("检查记录已归档，不能删除。")

    monkeypatch.setattr("compliance.admin.labour_inspection_delete", refuse)
    row = inspection()
    row.save()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_labourinspection_delete", args=[row.pk]),
        {"post": "yes"},
        follow=True,
    )
    assert "检查记录已归档，不能删除" in response.content.decode()
    response = client.post(
        reverse("admin:compliance_labourinspection_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        follow=True,
    )
    assert "检查记录已归档，不能删除" in response.content.decode()
    assert LabourInspection.objects.filter(pk=row.pk).exists()
    assert not LogEntry.objects.exists()  # Django's own log rolled back with the rest
