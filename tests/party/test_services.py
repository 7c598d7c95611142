"""Party data is written through the party services, from the admin too: each write has its
acting user and one audit row, a broken rule is shown in Chinese and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.choices import PoliticalStatus
from core.models import AuditLog
from party.models import PartyActivity, PartyBranch, PartyBranchMember, WorkerRepresentative
from party.services import party_activity_save, party_branch_save
from tests.admin_forms import admin_form_data
from tests.factories import EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return PartyBranch.objects.create(name="甲公司党支部", kind=PartyBranch.Kind.SINGLE)


def activity_data(branch, **changes):
    return {
        "branch": str(branch.pk),
        "held_on": "2024-07-01",
        "kind": PartyActivity.Kind.THEMED_PARTY_DAY,
        "topic": "七一主题党日",
        "attendance": "15",
        "notes": "",
        **changes,
    }


def test_adding_an_activity_in_the_admin_writes_it_with_one_audit_row(client, staff_user, branch):
    client.force_login(staff_user)
    response = client.post(reverse("admin:party_partyactivity_add"), activity_data(branch))
    assert response.status_code == 302
    activity = PartyActivity.objects.get()
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.object_id) == (
        staff_user,
        "party.activity.saved",
        str(activity.pk),
    )
    assert log.detail["changed"]["topic"] == [None, "七一主题党日"]


def test_a_joint_branch_with_members_is_audited_with_its_enterprises(client, staff_user):
    worker = WorkerFactory(political_status=PoliticalStatus.PROBATIONARY_MEMBER)
    enterprises = [EnterpriseFactory(), EnterpriseFactory()]
    client.force_login(staff_user)
    page = client.get(reverse("admin:party_partybranch_add"))
    data = admin_form_data(
        page,
        **{
            "name": "城东社区联合党支部",
            "kind": PartyBranch.Kind.JOINT,
            "enterprises": [str(e.pk) for e in enterprises],
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-worker": str(worker.pk),
            "memberships-0-joined_on": "2024-01-01",
        },
    )
    assert client.post(reverse("admin:party_partybranch_add"), data).status_code == 302
    joint = PartyBranch.objects.get()
    assert set(joint.enterprises.all()) == set(enterprises)
    assert list(joint.members.all()) == [worker]
    saved = AuditLog.objects.get(action="party.branch.saved")
    assert saved.actor == staff_user
    assert saved.detail["changed"]["enterprises"] == [[], sorted(e.pk for e in enterprises)]
    member = AuditLog.objects.get(action="party.member.saved")
    assert member.detail["changed"]["worker"] == [None, worker.pk]


def test_a_worker_who_is_not_a_party_member_is_refused_and_nothing_is_written(
    client, staff_user, branch
):
    worker = WorkerFactory(political_status=PoliticalStatus.MASSES)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:party_partybranchmember_add"),
        {"branch": branch.pk, "worker": worker.pk, "joined_on": "2024-01-01", "left_on": ""},
    )
    assert response.status_code == 200
    assert "只有中共党员或中共预备党员才能加入党组织" in response.content.decode()
    assert not PartyBranchMember.objects.exists() and not AuditLog.objects.exists()


def test_a_single_branch_keeps_one_enterprise_when_only_its_kind_changes(staff_user):
    branch = PartyBranch.objects.create(name="联合党支部", kind=PartyBranch.Kind.JOINT)
    branch.enterprises.set([EnterpriseFactory(), EnterpriseFactory()])
    branch.kind = PartyBranch.Kind.SINGLE
    with pytest.raises(ValidationError) as error:
        party_branch_save(user=staff_user, branch=branch)
    assert "单独组建的党组织只服务一家企业" in str(error.value)
    branch.refresh_from_db()
    assert branch.kind == PartyBranch.Kind.JOINT and not AuditLog.objects.exists()


def test_closing_a_membership_and_deleting_a_post_go_through_the_services(client, staff_user):
    worker = WorkerFactory(political_status=PoliticalStatus.PARTY_MEMBER)
    branch = PartyBranch.objects.create(name="乙党支部", kind=PartyBranch.Kind.SINGLE)
    membership = PartyBranchMember.objects.create(
        branch=branch, worker=worker, joined_on=datetime.date(2020, 1, 1)
    )
    post = WorkerRepresentative.objects.create(
        worker=worker,
        role=WorkerRepresentative.Role.PEOPLES_CONGRESS,
        body="嵊州市人大",
        level=WorkerRepresentative.Level.SHENGZHOU,
        term_start=datetime.date(2022, 1, 1),
    )
    # Later the worker is no longer a party member: closing the membership is still allowed.
    worker.political_status = PoliticalStatus.MASSES
    worker.save()
    client.force_login(staff_user)
    url = reverse("admin:party_partybranchmember_change", args=[membership.pk])
    response = client.post(url, admin_form_data(client.get(url), left_on="2024-03-31"))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2024, 3, 31)
    log = AuditLog.objects.get()
    assert log.detail["changed"] == {"left_on": [None, "2024-03-31"]}

    response = client.post(
        reverse("admin:party_workerrepresentative_changelist"),
        {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not WorkerRepresentative.objects.exists()
    assert AuditLog.objects.filter(
        action="party.representative.deleted", actor=staff_user, object_id=str(post.pk)
    ).exists()


def test_union_officers_cannot_write_through_the_service(union_user, branch):
    activity = PartyActivity(
        branch=branch,
        held_on=datetime.date(2024, 7, 1),
        kind=PartyActivity.Kind.PARTY_LECTURE,
        topic="党课",
        attendance=10,
    )
    with pytest.raises(PermissionDenied):
        party_activity_save(user=union_user, activity=activity)
    assert not PartyActivity.objects.exists()
