"""Union organisations and their coverage are written through the unions services, from the
admin too: each write has its acting user and one audit row, a broken rule writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import AuditLog
from tests.admin_forms import admin_form_data
from tests.factories import EnterpriseFactory
from unions.models import UnionCoverage, UnionOrganisation
from unions.services import union_coverage_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def union():
    return UnionOrganisation.objects.create(
        name="城东社区联合工会", kind=UnionOrganisation.Kind.JOINT
    )


def coverage_data(union, enterprise, **changes):
    return {
        "union": str(union.pk),
        "enterprise": str(enterprise.pk),
        "start_date": "2021-05-01",
        "end_date": "",
        **changes,
    }


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
def test_adding_a_coverage_in_the_admin_writes_it_with_one_audit_row(client, request, role, union):
    user = request.getfixturevalue(role)
    enterprise = EnterpriseFactory()
    client.force_login(user)
    response = client.post(
        reverse("admin:unions_unioncoverage_add"), coverage_data(union, enterprise)
    )
    assert response.status_code == 302
    coverage = UnionCoverage.objects.get()
    assert coverage.created_by == user
    log = AuditLog.objects.get()
    assert (log.actor, log.action) == (user, "unions.coverage.saved")
    assert (log.object_type, log.object_id) == ("unions.UnionCoverage", str(coverage.pk))
    assert log.detail["created"] is True
    assert log.detail["changed"]["enterprise"] == [None, enterprise.pk]
    assert log.detail["changed"]["start_date"] == [None, "2021-05-01"]


def test_changing_a_coverage_audits_only_what_changed(client, staff_user, union):
    coverage = UnionCoverage.objects.create(
        union=union, enterprise=EnterpriseFactory(), start_date=datetime.date(2021, 5, 1)
    )
    client.force_login(staff_user)
    url = reverse("admin:unions_unioncoverage_change", args=[coverage.pk])
    response = client.post(url, admin_form_data(client.get(url), end_date="2024-06-30"))
    assert response.status_code == 302
    coverage.refresh_from_db()
    assert coverage.end_date == datetime.date(2024, 6, 30)
    log = AuditLog.objects.get()
    assert log.detail == {"created": False, "changed": {"end_date": [None, "2024-06-30"]}}

    # Saved again as shown: nothing changed, nothing written.
    client.post(url, admin_form_data(client.get(url)))
    assert AuditLog.objects.count() == 1


def test_a_second_open_coverage_is_refused_in_chinese_and_writes_nothing(client, staff_user, union):
    enterprise = EnterpriseFactory()
    UnionCoverage.objects.create(
        union=union, enterprise=enterprise, start_date=datetime.date(2020, 1, 1)
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:unions_unioncoverage_add"), coverage_data(union, enterprise)
    )
    assert response.status_code == 200
    assert "该工会已在覆盖这家企业" in response.content.decode()
    assert UnionCoverage.objects.count() == 1
    assert not AuditLog.objects.exists()


def test_a_union_with_its_coverage_inline_is_audited_row_by_row(client, union_user):
    enterprise = EnterpriseFactory()
    client.force_login(union_user)
    page = client.get(reverse("admin:unions_unionorganisation_add"))
    data = admin_form_data(
        page,
        **{
            "name": "园区联合工会",
            "kind": UnionOrganisation.Kind.JOINT,
            "coverages-TOTAL_FORMS": "1",
            "coverages-0-enterprise": str(enterprise.pk),
            "coverages-0-start_date": "2022-01-01",
        },
    )
    assert client.post(reverse("admin:unions_unionorganisation_add"), data).status_code == 302
    union = UnionOrganisation.objects.get()
    assert union.coverages.get().created_by == union_user
    assert sorted(AuditLog.objects.values_list("action", "actor")) == [
        ("unions.coverage.saved", union_user.pk),
        ("unions.organisation.saved", union_user.pk),
    ]

    # Removing the coverage row in the inline deletes it through the service.
    url = reverse("admin:unions_unionorganisation_change", args=[union.pk])
    data = admin_form_data(client.get(url), **{"coverages-0-DELETE": "on"})
    assert client.post(url, data).status_code == 302
    assert not UnionCoverage.objects.exists()
    assert AuditLog.objects.filter(action="unions.coverage.deleted", actor=union_user).count() == 1


def test_an_inline_coverage_that_ends_before_it_starts_saves_nothing(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    data = admin_form_data(
        client.get(reverse("admin:unions_unionorganisation_add")),
        **{
            "name": "甲公司工会",
            "kind": UnionOrganisation.Kind.SINGLE,
            "coverages-TOTAL_FORMS": "1",
            "coverages-0-enterprise": str(enterprise.pk),
            "coverages-0-start_date": "2022-01-01",
            "coverages-0-end_date": "2021-01-01",
        },
    )
    response = client.post(reverse("admin:unions_unionorganisation_add"), data)
    assert "覆盖结束日期不能早于开始日期" in response.content.decode()
    assert not UnionOrganisation.objects.exists() and not AuditLog.objects.exists()


def test_deleting_in_the_admin_goes_through_the_service(client, staff_user, union):
    coverages = [
        UnionCoverage.objects.create(
            union=union, enterprise=EnterpriseFactory(), start_date=datetime.date(2021, 1, 1)
        )
        for _ in range(3)
    ]
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:unions_unioncoverage_delete", args=[coverages[0].pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.object_id) == (
        staff_user,
        "unions.coverage.deleted",
        str(coverages[0].pk),
    )
    assert log.detail["deleted"]["enterprise"] == coverages[0].enterprise_id

    response = client.post(
        reverse("admin:unions_unioncoverage_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [c.pk for c in coverages[1:]],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not UnionCoverage.objects.exists()
    assert AuditLog.objects.filter(action="unions.coverage.deleted").count() == 3

    # The union's deletion takes nothing else with it now, and says so.
    client.post(reverse("admin:unions_unionorganisation_delete", args=[union.pk]), {"post": "yes"})
    log = AuditLog.objects.get(action="unions.organisation.deleted")
    assert log.detail["cascaded"] == {} and log.detail["deleted"]["name"] == "城东社区联合工会"


def test_the_service_refuses_users_without_the_permission(hr_user, union):
    coverage = UnionCoverage(
        union=union, enterprise=EnterpriseFactory(), start_date=datetime.date(2021, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        union_coverage_save(user=hr_user, coverage=coverage)
    assert not UnionCoverage.objects.exists() and not AuditLog.objects.exists()
