"""Staff keep democratic-management records in the admin, union officers read them, HR and
officials do not reach them (DOMAIN.md roles; issue 4)."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    WorkersCongressSession,
)
from core.roles import ROLE_PERMISSIONS, Role
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# What the lead adds to ROLE_PERMISSIONS[Role.UNION_OFFICER] in core/roles.py.
UNION_OFFICER_PERMISSIONS = (
    "compliance.view_workerscongresssession",
    "compliance.view_factoryaffairsdisclosure",
    "compliance.view_collectivewagecontract",
)
MODELS = ["workerscongresssession", "factoryaffairsdisclosure", "collectivewagecontract"]


def form_data(model: str, enterprise) -> dict[str, str]:
    return {
        "workerscongresssession": {
            "enterprise": str(enterprise.pk),
            "held_on": "2026-03-15",
            "session": "第三届第二次",
            "delegates": "45",
            "topics": "审议年度工资调整方案",
            "resolutions": "通过",
        },
        "factoryaffairsdisclosure": {
            "enterprise": str(enterprise.pk),
            "disclosed_on": "2026-04-01",
            "subject": "年度工资调整方案",
            "channel": "公开栏",
            "content": "一线职工工资增长 6%",
        },
        "collectivewagecontract": {
            "enterprise": str(enterprise.pk),
            "signed_on": "2026-01-10",
            "start_date": "2026-01-01",
            "end_date": "2028-12-31",
            "wage_increase_percent": "5.50",
            "covers_joint": "on",
            "notes": "",
        },
    }[model]


def make_records(enterprise) -> None:
    WorkersCongressSession.objects.create(
        enterprise=enterprise,
        held_on=datetime.date(2026, 3, 15),
        session="第三届第二次",
        delegates=45,
        topics="议题",
    )
    FactoryAffairsDisclosure.objects.create(
        enterprise=enterprise,
        disclosed_on=datetime.date(2026, 4, 1),
        subject="年度工资调整方案",
        channel="公开栏",
        content="内容",
    )
    CollectiveWageContract.objects.create(
        enterprise=enterprise,
        signed_on=datetime.date(2026, 1, 10),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )


@pytest.fixture
def union_officer(union_user):
    """The union officer group with the view permissions the lead adds to core/roles.py."""
    group = Group.objects.get(name=Role.UNION_OFFICER)
    for name in UNION_OFFICER_PERMISSIONS:
        app_label, codename = name.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return union_user


@pytest.mark.parametrize("model", MODELS)
def test_staff_add_each_record(client, staff_user, model):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    response = client.post(reverse("admin:compliance_%s_add" % model), form_data(model, enterprise))
    assert response.status_code == 302
    record = {
        "workerscongresssession": WorkersCongressSession,
        "factoryaffairsdisclosure": FactoryAffairsDisclosure,
        "collectivewagecontract": CollectiveWageContract,
    }[model].objects.get()
    assert record.enterprise == enterprise


def test_the_wage_contract_is_saved_as_entered(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    client.post(
        reverse("admin:compliance_collectivewagecontract_add"),
        form_data("collectivewagecontract", enterprise),
    )
    contract = CollectiveWageContract.objects.get()
    assert contract.end_date == datetime.date(2028, 12, 31)
    assert str(contract.wage_increase_percent) == "5.50" and contract.covers_joint


def test_a_wage_contract_cannot_end_before_it_starts(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    data = form_data("collectivewagecontract", enterprise)
    data.update(start_date="2026-01-01", end_date="2025-12-31")
    response = client.post(reverse("admin:compliance_collectivewagecontract_add"), data)
    assert response.status_code == 200
    assert "到期日期不能早于生效日期" in response.content.decode()
    assert not CollectiveWageContract.objects.exists()


def test_a_contract_of_one_day_is_allowed(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    data = form_data("collectivewagecontract", enterprise)
    data.update(start_date="2026-01-01", end_date="2026-01-01")
    response = client.post(reverse("admin:compliance_collectivewagecontract_add"), data)
    assert response.status_code == 302


def test_a_congress_session_is_registered_once(client, staff_user):
    enterprise = EnterpriseFactory()
    make_records(enterprise)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_workerscongresssession_add"),
        form_data("workerscongresssession", enterprise),
    )
    assert "该企业已登记过这一届次的职代会" in response.content.decode()
    assert WorkersCongressSession.objects.count() == 1


@pytest.mark.parametrize("model", MODELS)
def test_staff_find_records_by_enterprise_code_and_filter_them(client, staff_user, model):
    enterprise = EnterpriseFactory(name="甲纺织有限公司", is_above_scale=True)
    other = EnterpriseFactory(name="乙机械有限公司")
    make_records(enterprise)
    make_records(other)
    client.force_login(staff_user)
    url = reverse("admin:compliance_%s_changelist" % model)
    found = client.get(url, {"q": enterprise.uscc.lower()}).content.decode()
    assert "甲纺织有限公司" in found and "乙机械有限公司" not in found
    filtered = client.get(url, {"enterprise__is_above_scale__exact": "1"}).content.decode()
    assert "甲纺织有限公司" in filtered and "乙机械有限公司" not in filtered
    assert client.get(url, {"enterprise__village__id__exact": other.village_id}).status_code == 200


@pytest.mark.parametrize(
    ("status", "listed"),
    [
        ("in_force", {"甲续签中", "乙在期"}),
        ("expiring", {"甲续签中"}),
        ("expired", {"丙已到期"}),
        ("future", {"丁未生效"}),
    ],
)
def test_the_contract_status_filter_counts_from_today(client, staff_user, status, listed):
    today = timezone.localdate()
    terms = {
        "甲续签中": (-700, 30),
        "乙在期": (-10, 400),
        "丙已到期": (-800, -1),
        "丁未生效": (1, 700),
    }
    for name, (start, end) in terms.items():
        CollectiveWageContract.objects.create(
            enterprise=EnterpriseFactory(name=name),
            signed_on=today + datetime.timedelta(days=start),
            start_date=today + datetime.timedelta(days=start),
            end_date=today + datetime.timedelta(days=end),
        )
    client.force_login(staff_user)
    url = reverse("admin:compliance_collectivewagecontract_changelist")
    page = client.get(url, {"status": status}).content.decode()
    assert {name for name in terms if name in page} == listed


@pytest.mark.parametrize("model", MODELS)
def test_list_pages_do_not_query_per_row(client, staff_user, model):
    client.force_login(staff_user)
    url = reverse("admin:compliance_%s_changelist" % model)
    make_records(EnterpriseFactory())
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        make_records(EnterpriseFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["hr_user", "official_user"])
@pytest.mark.parametrize("model", MODELS)
def test_hr_and_officials_do_not_reach_the_records(client, request, role, model):
    enterprise = EnterpriseFactory()
    client.force_login(request.getfixturevalue(role))
    listing = client.get(reverse("admin:compliance_%s_changelist" % model))
    assert listing.status_code in (302, 403)
    added = client.post(reverse("admin:compliance_%s_add" % model), form_data(model, enterprise))
    assert added.status_code in (302, 403)
    assert not WorkersCongressSession.objects.exists()
    assert not FactoryAffairsDisclosure.objects.exists()
    assert not CollectiveWageContract.objects.exists()


@pytest.mark.parametrize("model", MODELS)
def test_union_officers_read_but_do_not_write(client, union_officer, model):
    enterprise = EnterpriseFactory(name="甲纺织有限公司")
    make_records(enterprise)
    client.force_login(union_officer)
    listing = client.get(reverse("admin:compliance_%s_changelist" % model))
    assert listing.status_code == 200 and "甲纺织有限公司" in listing.content.decode()
    add_url = reverse("admin:compliance_%s_add" % model)
    assert client.post(add_url, form_data(model, EnterpriseFactory())).status_code == 403


def test_union_officers_hold_the_view_permissions():
    assert set(UNION_OFFICER_PERMISSIONS) <= set(ROLE_PERMISSIONS[Role.UNION_OFFICER])
