"""The registers of villages, parks and enterprises are written through the enterprises
services, from the admin too: the acting user and one audit row for each write."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from enterprises.models import Enterprise, Village
from tests.admin_forms import admin_form_data
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_adding_a_village_in_the_admin_is_audited(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("admin:enterprises_village_add"), {"name": "新村社区"})
    assert response.status_code == 302
    village = Village.objects.get(name="新村社区")
    log = AuditLog.objects.get()
    assert (log.actor, log.action) == (staff_user, "enterprises.village.saved")
    assert log.object_id == str(village.pk) and log.detail["created"] is True


def test_giving_an_enterprise_an_hr_account_is_audited(client, staff_user):
    enterprise = EnterpriseFactory(name="甲公司")
    hr = UserFactory(username="new-hr")
    client.force_login(staff_user)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = admin_form_data(client.get(url), hr_users=[str(hr.pk)], industry="纺织")
    assert client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert list(enterprise.hr_users.all()) == [hr] and enterprise.industry == "纺织"
    log = AuditLog.objects.get(action="enterprises.enterprise.saved")
    assert log.actor == staff_user
    assert log.detail["changed"]["industry"][1] == "纺织"


def test_a_village_with_enterprises_is_not_deleted(client, staff_user):
    enterprise = EnterpriseFactory()
    village = enterprise.village
    client.force_login(staff_user)
    url = reverse("admin:enterprises_village_delete", args=[village.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert Village.objects.filter(pk=village.pk).exists()
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
    assert "无法删除" in response.content.decode()  # Django lists what still points at it
    assert not AuditLog.objects.filter(action="enterprises.village.deleted").exists()


def test_deleting_an_enterprise_nothing_points_at_is_audited(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    url = reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    log = AuditLog.objects.get(action="enterprises.enterprise.deleted")
    assert log.actor == staff_user and log.object_id == str(enterprise.pk)
