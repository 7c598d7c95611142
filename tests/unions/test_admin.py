"""Staff and union officers keep union organisations in the admin; others cannot."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory
from unions.models import UnionCoverage, UnionOrganisation

pytestmark = pytest.mark.django_db


def add_union(client, enterprise) -> int:
    return client.post(
        reverse("admin:unions_unionorganisation_add"),
        {
            "name": "城东社区联合工会",
            "kind": UnionOrganisation.Kind.JOINT,
            "founded_on": "2021-05-01",
            "chair": "王主席",
            "coverages-TOTAL_FORMS": "1",
            "coverages-INITIAL_FORMS": "0",
            "coverages-MIN_NUM_FORMS": "0",
            "coverages-MAX_NUM_FORMS": "1000",
            "coverages-0-enterprise": str(enterprise.pk),
            "coverages-0-start_date": "2021-05-01",
            "coverages-0-end_date": "",
        },
    ).status_code


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
def test_staff_and_union_officers_add_a_joint_union_with_its_coverage(client, request, role):
    user = request.getfixturevalue(role)
    enterprise = EnterpriseFactory()
    client.force_login(user)
    assert add_union(client, enterprise) == 302
    coverage = UnionCoverage.objects.get()
    assert coverage.enterprise == enterprise and coverage.created_by == user
    assert coverage.start_date == datetime.date(2021, 5, 1) and coverage.end_date is None
    listing = client.get(reverse("admin:unions_unionorganisation_changelist"))
    assert "城东社区联合工会" in listing.content.decode()


@pytest.mark.parametrize("role", ["hr_user", "official_user"])
def test_hr_and_officials_do_not_reach_unions(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:unions_unionorganisation_changelist"))
    assert response.status_code in (302, 403)
    assert not UnionOrganisation.objects.exists()


def test_a_coverage_cannot_end_before_it_starts(client, staff_user):
    enterprise = EnterpriseFactory()
    union = UnionOrganisation.objects.create(name="甲工会", kind=UnionOrganisation.Kind.SINGLE)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:unions_unioncoverage_add"),
        {
            "union": union.pk,
            "enterprise": enterprise.pk,
            "start_date": "2024-01-01",
            "end_date": "2023-01-01",
        },
    )
    assert "覆盖结束日期不能早于开始日期" in response.content.decode()
    assert not UnionCoverage.objects.exists()
