"""Only party members join a branch (DOMAIN.md: 政治面貌); later changes are listed for staff."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.choices import PoliticalStatus
from party.models import PartyBranch, PartyBranchMember
from party.selectors import party_members_inconsistent
from tests.factories import WorkerFactory
from workers.models import Worker

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2023, 7, 1)


@pytest.fixture
def branch():
    return PartyBranch.objects.create(name="城东社区联合党支部", kind=PartyBranch.Kind.JOINT)


def member(branch, worker, **kwargs) -> PartyBranchMember:
    return PartyBranchMember(branch=branch, worker=worker, joined_on=JOINED, **kwargs)


def test_clean_refuses_a_worker_of_the_masses(branch):
    worker = WorkerFactory(political_status=PoliticalStatus.MASSES)
    with pytest.raises(ValidationError) as refused:
        member(branch, worker).full_clean()
    message = refused.value.message_dict["worker"][0]
    assert "群众" in message and "只有中共党员或中共预备党员才能加入党组织" in message


@pytest.mark.parametrize(
    "status", [PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY_MEMBER]
)
def test_clean_accepts_party_and_probationary_members(branch, status):
    member(branch, WorkerFactory(political_status=status)).full_clean()


def test_closing_an_inconsistent_membership_is_allowed_but_reopening_it_is_not(branch):
    worker = WorkerFactory(political_status=PoliticalStatus.PARTY_MEMBER)
    membership = member(branch, worker)
    membership.full_clean()
    membership.save()
    Worker.objects.filter(pk=worker.pk).update(political_status=PoliticalStatus.MASSES)
    membership.refresh_from_db()

    membership.joined_on = datetime.date(2023, 6, 1)
    membership.full_clean()  # editing a membership that is already open is not refused
    membership.left_on = datetime.date(2024, 1, 31)
    membership.full_clean()
    membership.save()

    membership.left_on = None
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_one_open_membership_per_branch_and_worker(branch):
    worker = WorkerFactory(political_status=PoliticalStatus.PARTY_MEMBER)
    member(branch, worker).save()
    with pytest.raises(ValidationError) as refused:
        member(branch, worker).full_clean()
    assert "该职工已是这个党组织的党员" in str(refused.value)
    member(branch, worker, left_on=datetime.date(2023, 7, 1)).full_clean()


def test_admin_add_shows_the_political_status_message(client, staff_user, branch):
    worker = WorkerFactory(political_status=PoliticalStatus.MASSES)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:party_partybranchmember_add"),
        {"branch": branch.pk, "worker": worker.pk, "joined_on": "2023-07-01", "left_on": ""},
    )
    assert response.status_code == 200
    assert "只有中共党员或中共预备党员才能加入党组织" in response.content.decode()
    assert not PartyBranchMember.objects.exists()


def test_admin_branch_inline_shows_the_message_and_saves_nothing(client, staff_user):
    worker = WorkerFactory(political_status=PoliticalStatus.LEAGUE_MEMBER)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:party_partybranch_add"),
        {
            "name": "甲公司党支部",
            "kind": PartyBranch.Kind.SINGLE,
            "founded_on": "2020-07-01",
            "secretary": "李书记",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-worker": str(worker.pk),
            "memberships-0-joined_on": "2023-07-01",
            "memberships-0-left_on": "",
        },
    )
    assert response.status_code == 200
    assert "共青团员" in response.content.decode()
    assert "只有中共党员或中共预备党员才能加入党组织" in response.content.decode()
    assert not PartyBranch.objects.exists()


def test_members_whose_status_changed_later_are_listed_for_follow_up(branch):
    stays = WorkerFactory(name="甲", political_status=PoliticalStatus.PARTY_MEMBER)
    probationary = WorkerFactory(name="乙", political_status=PoliticalStatus.PROBATIONARY_MEMBER)
    changed = WorkerFactory(name="丙", political_status=PoliticalStatus.PARTY_MEMBER)
    left = WorkerFactory(name="丁", political_status=PoliticalStatus.PARTY_MEMBER)
    for worker in (stays, probationary, changed):
        member(branch, worker).save()
    member(branch, left, left_on=datetime.date(2024, 1, 1)).save()
    assert not party_members_inconsistent().exists()

    # A later roster upload rewrites the political status in bulk.
    Worker.objects.filter(pk__in=[changed.pk, left.pk]).update(
        political_status=PoliticalStatus.MASSES
    )

    assert [m.worker for m in party_members_inconsistent()] == [changed]


def test_admin_filter_lists_the_inconsistent_members(client, union_user, branch):
    changed = WorkerFactory(name="丙", political_status=PoliticalStatus.PARTY_MEMBER)
    stays = WorkerFactory(name="甲", political_status=PoliticalStatus.PARTY_MEMBER)
    member(branch, changed).save()
    member(branch, stays).save()
    Worker.objects.filter(pk=changed.pk).update(political_status=PoliticalStatus.MASSES)
    client.force_login(union_user)
    response = client.get(reverse("admin:party_partybranchmember_changelist"), {"consistent": "0"})
    assert [m.worker for m in response.context["cl"].result_list] == [changed]
