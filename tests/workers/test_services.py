"""Workers and employments are written through the workers services, from the admin too; the
admin cannot touch union membership, which changes only through the union correction page
(or a roster) and so always leaves a history row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.choices import PoliticalStatus
from core.identity import mask_phone
from core.models import AuditLog, PersonalDataAccess
from tests.admin_forms import admin_form_data
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from unions.models import UnionMembershipChange
from workers.models import Employment, Worker
from workers.services import worker_delete, worker_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    worker = WorkerFactory(name="张三", is_union_member=False)
    EmploymentFactory(worker=worker)
    return worker


def test_the_worker_admin_does_not_change_membership(client, staff_user, worker):
    client.force_login(staff_user)
    url = reverse("admin:workers_worker_change", args=[worker.pk])
    page = client.get(url)
    # Staff are sent to the page that records the change.
    assert reverse("unions:membership", args=[worker.pk]) in page.content.decode()
    data = admin_form_data(
        page,
        name="张三丰",
        political_status=PoliticalStatus.PARTY_MEMBER,
        is_union_member="on",
        union_joined_on="2024-01-01",
        union_left_on="2024-06-01",
    )
    assert client.post(url, data).status_code == 302
    worker.refresh_from_db()
    assert worker.name == "张三丰" and worker.political_status == PoliticalStatus.PARTY_MEMBER
    assert (worker.is_union_member, worker.union_joined_on, worker.union_left_on) == (
        False,
        None,
        None,
    )
    log = AuditLog.objects.get()
    assert (log.actor, log.action) == (staff_user, "workers.worker.saved")
    assert set(log.detail["changed"]) == {"name", "political_status"}


def test_the_correction_page_still_records_membership_with_its_history(client, staff_user, worker):
    client.force_login(staff_user)
    response = client.post(
        reverse("unions:membership", args=[worker.pk]),
        {"is_member": "on", "joined_on": "2024-05-01", "note": "补登记"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.is_union_member and worker.union_joined_on == datetime.date(2024, 5, 1)
    change = UnionMembershipChange.objects.get()
    assert (change.changed_by, change.source) == (
        staff_user,
        UnionMembershipChange.Source.CORRECTION,
    )
    assert AuditLog.objects.filter(actor=staff_user, action="union.membership.corrected").exists()


def test_the_service_refuses_a_membership_change(staff_user, worker):
    worker.is_union_member = True
    worker.union_joined_on = datetime.date(2024, 1, 1)
    with pytest.raises(ValidationError) as error:
        worker_save(user=staff_user, worker=worker)
    assert "工会会员信息请在工会会员页更正" in str(error.value)
    worker.refresh_from_db()
    assert not worker.is_union_member and not AuditLog.objects.exists()


def test_the_audit_row_names_personal_fields_without_their_values(client, staff_user, worker):
    client.force_login(staff_user)
    # Staff unmask the worker first (the phone is masked and read-only until then).
    url = reverse("admin:workers_worker_reveal", args=[worker.pk])
    revealed = client.post(url, {"_reveal_personal": "1"})
    assert revealed.status_code == 200
    data = admin_form_data(revealed, phone="13900001111", _save="1")
    assert client.post(url, data).status_code == 302
    log = AuditLog.objects.get()
    assert log.detail["changed"] == {"phone": ["***", "***"]}
    assert "13900001111" not in str(log.detail) and worker.phone not in str(log.detail)
    # The personal-data access log keeps the change, masked (issue 12).
    change = PersonalDataAccess.objects.get(action=PersonalDataAccess.Action.CHANGE)
    assert change.detail == {"changed": {"phone": [mask_phone(worker.phone), "139****1111"]}}


def test_an_employment_added_inline_is_audited(client, staff_user, worker):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    url = reverse("admin:workers_worker_change", args=[worker.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "employments-TOTAL_FORMS": "2",
            "employments-1-enterprise": str(enterprise.pk),
            "employments-1-position": "挡车工",
            "employments-1-hire_date": "2023-02-01",
        },
    )
    assert client.post(url, data).status_code == 302
    employment = Employment.objects.get(enterprise=enterprise)
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.object_id) == (
        staff_user,
        "workers.employment.saved",
        str(employment.pk),
    )


def test_nobody_is_hired_before_sixteen_in_the_admin_either(client, staff_user):
    young = WorkerFactory()  # born between 1970 and 1999
    hired = young.birth_date.replace(year=young.birth_date.year + 15)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:workers_employment_add"),
        {
            "worker": young.pk,
            "enterprise": EnterpriseFactory().pk,
            "position": "",
            "contract_type": "",
            "hire_date": hired.isoformat(),
            "departure_date": "",
        },
    )
    assert response.status_code == 200
    assert "入职时未满16周岁" in response.content.decode()
    assert not Employment.objects.exists() and not AuditLog.objects.exists()


def test_a_worker_with_an_employment_is_not_deleted(staff_user, worker):
    with pytest.raises(ValidationError) as error:
        worker_delete(user=staff_user, worker=worker)
    assert "不能删除" in str(error.value)
    assert not AuditLog.objects.exists()


def test_deleting_an_employment_in_the_admin_is_audited(client, staff_user, worker):
    employment = worker.employments.get()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:workers_employment_delete", args=[employment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Employment.objects.exists()
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.detail["deleted"]["worker"]) == (
        staff_user,
        "workers.employment.deleted",
        worker.pk,
    )


def test_a_worker_added_in_the_admin_starts_outside_the_union(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:workers_worker_add"))
    assert "保存职工后，在工会会员页登记入会" in page.content.decode()
    number = WorkerFactory.build().id_number
    data = admin_form_data(
        page,
        name="李四",
        id_number=number.lower(),
        is_union_member="on",
        union_joined_on="2024-01-01",
    )
    assert client.post(reverse("admin:workers_worker_add"), data).status_code == 302
    added = Worker.objects.get(name="李四")
    assert added.id_number == number.upper() and not added.is_union_member
    log = AuditLog.objects.get()
    assert log.detail["created"] is True and log.detail["changed"]["id_number"] == [None, "***"]
    assert number not in str(log.detail) and added.birth_date.isoformat() not in str(log.detail)
