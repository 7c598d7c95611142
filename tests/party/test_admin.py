"""Staff keep party data; union officers only look at it; HR and officials do not reach it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.choices import PoliticalStatus
from core.roles import Role
from party.models import PartyActivity, PartyBranch, PartyBranchMember, WorkerRepresentative
from tests.factories import EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

MODELS = ["partybranch", "partybranchmember", "partyactivity", "workerrepresentative"]


@pytest.fixture
def data():
    branch = PartyBranch.objects.create(name="甲公司党支部", kind=PartyBranch.Kind.SINGLE)
    worker = WorkerFactory(name="张党员", political_status=PoliticalStatus.PARTY_MEMBER)
    PartyBranchMember.objects.create(branch=branch, worker=worker, joined_on="2023-07-01")
    PartyActivity.objects.create(
        branch=branch,
        held_on="2024-05-10",
        kind=PartyActivity.Kind.PARTY_LECTURE,
        topic="书记讲党课",
        attendance=20,
    )
    WorkerRepresentative.objects.create(
        worker=worker,
        role=WorkerRepresentative.Role.PEOPLES_CONGRESS,
        body="嵊州市人大",
        level=WorkerRepresentative.Level.SHENGZHOU,
        term_start="2022-01-01",
    )
    return branch, worker


def test_staff_add_a_branch_an_activity_and_a_representative(client, staff_user, data):
    _branch, worker = data
    client.force_login(staff_user)
    enterprises = [EnterpriseFactory(), EnterpriseFactory()]
    response = client.post(
        reverse("admin:party_partybranch_add"),
        {
            "name": "城东社区联合党支部",
            "kind": PartyBranch.Kind.JOINT,
            "enterprises": [e.pk for e in enterprises],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-worker": str(worker.pk),
            "memberships-0-joined_on": "2024-01-01",
            "memberships-0-left_on": "",
        },
    )
    assert response.status_code == 302
    joint = PartyBranch.objects.get(name="城东社区联合党支部")
    assert set(joint.enterprises.all()) == set(enterprises)
    assert list(joint.members.all()) == [worker]

    response = client.post(
        reverse("admin:party_partyactivity_add"),
        {
            "branch": joint.pk,
            "held_on": "2024-07-01",
            "kind": PartyActivity.Kind.THEMED_PARTY_DAY,
            "topic": "七一主题党日",
            "attendance": "15",
            "notes": "",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:party_workerrepresentative_add"),
        {
            "worker": worker.pk,
            "role": WorkerRepresentative.Role.PARTY_CONGRESS,
            "body": "中共嵊州市代表大会",
            "level": WorkerRepresentative.Level.SHENGZHOU,
            "term_start": "2021-09-01",
            "term_end": "",
        },
    )
    assert response.status_code == 302
    assert WorkerRepresentative.objects.count() == 2


def test_a_single_branch_serves_one_enterprise(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:party_partybranch_add"),
        {
            "name": "乙公司党支部",
            "kind": PartyBranch.Kind.SINGLE,
            "enterprises": [EnterpriseFactory().pk, EnterpriseFactory().pk],
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "单独组建的党组织只服务一家企业" in response.content.decode()
    assert not PartyBranch.objects.filter(name="乙公司党支部").exists()


@pytest.mark.parametrize("model", MODELS)
def test_union_officers_view_but_do_not_add(client, union_user, data, model):
    client.force_login(union_user)
    listing = client.get(reverse("admin:party_%s_changelist" % model))
    assert listing.status_code == 200
    assert client.get(reverse("admin:party_%s_add" % model)).status_code == 403
    obj = listing.context["cl"].result_list[0]
    detail = client.get(reverse("admin:party_%s_change" % model, args=[obj.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(reverse("admin:party_%s_delete" % model, args=[obj.pk])).status_code == 403


def test_union_officer_post_to_add_changes_nothing(client, union_user):
    client.force_login(union_user)
    response = client.post(
        reverse("admin:party_partybranch_add"),
        {"name": "丙党支部", "kind": PartyBranch.Kind.SINGLE},
    )
    assert response.status_code == 403
    assert not PartyBranch.objects.exists()


@pytest.mark.parametrize("role", ["hr_user", "official_user"])
@pytest.mark.parametrize("model", MODELS)
def test_hr_and_officials_do_not_reach_party_data(client, request, data, role, model):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:party_%s_changelist" % model))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
@pytest.mark.parametrize("model", ["partybranchmember", "workerrepresentative"])
def test_lists_show_workers_by_name_only(client, request, data, role, model):
    _branch, worker = data
    client.force_login(request.getfixturevalue(role))
    content = client.get(reverse("admin:party_%s_changelist" % model)).content.decode()
    assert "张党员" in content
    # Not even masked (issue 12): a worker's text is the name alone.
    assert worker.masked_id_number not in content
    assert worker.id_number not in content and worker.phone not in content


def test_worker_autocomplete_offers_workers_by_name(client, staff_user, data):
    _branch, worker = data
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "party",
            "model_name": "partybranchmember",
            "field_name": "worker",
            "term": "张党员",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["张党员"]
    assert worker.id_number not in response.content.decode()
    assert worker.masked_id_number not in response.content.decode()


def test_union_officer_group_holds_only_view_permissions_on_party_models(roles):
    codenames = set(
        Group.objects.get(name=Role.UNION_OFFICER)
        .permissions.filter(content_type__app_label="party")
        .values_list("codename", flat=True)
    )
    assert codenames == {"view_%s" % model for model in MODELS}
    for role in (Role.HR, Role.OFFICIAL):
        group = Group.objects.get(name=role)
        assert not group.permissions.filter(content_type__app_label="party").exists()
