"""Democratic-management records and labour inspections are written through the compliance
services, from the admin too: one audit row per write with the acting user; a broken rule is
shown in Chinese and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from compliance.models import LabourInspection, WorkersCongressSession
from compliance.services import labour_inspection_save
from core.models import AuditLog
from tests.admin_forms import admin_form_data
from tests.compliance.test_admin import MODELS, form_data, make_records
from tests.dates import today
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def inspection_data(enterprise, **changes):
    return {
        "enterprise": str(enterprise.pk),
        "inspected_on": "2024-03-01",
        "inspector": "市劳动监察大队",
        "kind": "contract",  # 问题类别 (issue 15)
        "subject": "劳动合同签订",
        "findings": "3人未签劳动合同",
        "corrections_required": "补签劳动合同",
        "deadline": "2024-04-01",
        "closed_on": "",
        **changes,
    }


ACTIONS = {
    "workerscongresssession": "compliance.congress_session.saved",
    "factoryaffairsdisclosure": "compliance.disclosure.saved",
    "collectivewagecontract": "compliance.wage_contract.saved",
}


@pytest.mark.parametrize("model", MODELS)
def test_each_record_added_in_the_admin_has_one_audit_row(client, staff_user, model):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_%s_add" % model), form_data(model, EnterpriseFactory())
    )
    assert response.status_code == 302
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.detail["created"]) == (staff_user, ACTIONS[model], True)


def test_an_inspection_is_added_then_closed_and_each_step_is_audited(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_labourinspection_add"), inspection_data(enterprise)
    )
    assert response.status_code == 302
    inspection = LabourInspection.objects.get()
    created = AuditLog.objects.get()
    assert (created.actor, created.action, created.object_id) == (
        staff_user,
        "compliance.inspection.saved",
        str(inspection.pk),
    )

    url = reverse("admin:compliance_labourinspection_change", args=[inspection.pk])
    data = admin_form_data(client.get(url), is_closed="on", closed_on="2024-03-25")
    assert client.post(url, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_closed and inspection.closed_on == datetime.date(2024, 3, 25)
    closed = AuditLog.objects.exclude(pk=created.pk).get()
    assert closed.detail == {
        "created": False,
        "changed": {"is_closed": [False, True], "closed_on": [None, "2024-03-25"]},
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"corrections_required": ""}, "设定了整改期限，请填写整改要求"),
        (
            {"is_closed": "on", "closed_on": (today() + datetime.timedelta(days=1)).isoformat()},
            "销号日期不能晚于今天",
        ),
        ({"deadline": "2024-02-01"}, "整改期限不能早于检查日期"),
    ],
)
def test_a_broken_inspection_rule_is_shown_and_nothing_is_written(
    client, staff_user, changes, message
):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_labourinspection_add"),
        inspection_data(EnterpriseFactory(), **changes),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LabourInspection.objects.exists() and not AuditLog.objects.exists()


def test_deleting_records_in_the_admin_goes_through_the_services(client, staff_user):
    first, second = EnterpriseFactory(), EnterpriseFactory()
    make_records(first)
    make_records(second)
    sessions = list(WorkersCongressSession.objects.order_by("pk"))
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_workerscongresssession_delete", args=[sessions[0].pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:compliance_workerscongresssession_changelist"),
        {"action": "delete_selected", "_selected_action": [sessions[1].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not WorkersCongressSession.objects.exists()
    logs = AuditLog.objects.filter(action="compliance.congress_session.deleted", actor=staff_user)
    assert sorted(logs.values_list("object_id", flat=True)) == sorted(str(s.pk) for s in sessions)
    assert logs.first().detail["deleted"]["session"] == "第三届第二次"


def test_union_officers_cannot_write_an_inspection(union_user):
    inspection = LabourInspection(
        enterprise=EnterpriseFactory(), inspected_on=datetime.date(2024, 3, 1), subject="工时"
    )
    with pytest.raises(PermissionDenied):
        labour_inspection_save(user=union_user, inspection=inspection)
    assert not LabourInspection.objects.exists()
