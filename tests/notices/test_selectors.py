"""Who sees which 通知公告, and what counts as unread (issue 16)."""

import pytest
from django.contrib.auth.models import Group

from core.home import unread_count
from core.roles import Role, user_roles
from notices.models import Notice
from notices.selectors import (
    notice_receipts,
    notice_unread_count,
    notices_visible_to,
    with_read_counts,
)
from tests import factories as f
from training.selectors import fund_notice_unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(enterprise_a, enterprise_b):
    chosen_a = f.NoticeFactory(title="点名甲", audience=Notice.Audience.CHOSEN)
    chosen_a.enterprises.add(enterprise_a, enterprise_b)
    chosen_b = f.NoticeFactory(title="点名乙", audience=Notice.Audience.CHOSEN)
    chosen_b.enterprises.add(enterprise_b)
    return {
        "all": f.NoticeFactory(title="全部"),
        "village_a": f.NoticeFactory(
            title="甲村", audience=Notice.Audience.VILLAGE, village=enterprise_a.village
        ),
        "park_a": f.NoticeFactory(
            title="甲园区", audience=Notice.Audience.PARK, park=enterprise_a.park
        ),
        "chosen_a": chosen_a,
        "village_b": f.NoticeFactory(
            title="乙村", audience=Notice.Audience.VILLAGE, village=enterprise_b.village
        ),
        "park_b": f.NoticeFactory(
            title="乙园区", audience=Notice.Audience.PARK, park=enterprise_b.park
        ),
        "chosen_b": chosen_b,
        "draft": f.NoticeFactory(title="草稿", published_at=None),
    }


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_hr_see_the_published_notices_addressed_to_their_enterprise(hr_user, notices):
    assert _titles(notices_visible_to(hr_user)) == {"全部", "甲村", "甲园区", "点名甲"}


def test_an_hr_of_two_enterprises_sees_both_audiences(hr_user, enterprise_b, notices):
    enterprise_b.hr_users.add(hr_user)
    seen = list(notices_visible_to(hr_user))
    assert {n.title for n in seen} == {
        "全部",
        "甲村",
        "甲园区",
        "点名甲",
        "乙村",
        "乙园区",
        "点名乙",
    }
    assert len(seen) == 7  # a notice naming both enterprises is listed once


def test_newest_first(hr_user, enterprise_a):
    older = f.NoticeFactory(title="旧")
    newer = f.NoticeFactory(title="新")
    Notice.objects.filter(pk=older.pk).update(published_at=newer.published_at.replace(year=2025))
    assert [n.title for n in notices_visible_to(hr_user)] == ["新", "旧"]


def test_staff_see_every_notice_drafts_too_union_the_published_officials_none(
    staff_user, union_user, official_user, notices
):
    assert len(_titles(notices_visible_to(staff_user))) == 8
    assert "草稿" not in _titles(notices_visible_to(union_user))
    assert len(_titles(notices_visible_to(union_user))) == 7
    assert not notices_visible_to(official_user).exists()


def test_hr_unread_count_in_one_query(hr_user, enterprise_a, notices, django_assert_num_queries):
    f.NoticeReceiptFactory(notice=notices["all"], user=hr_user, enterprise=enterprise_a)
    # Another user's reading leaves this user's count alone.
    f.NoticeReceiptFactory(notice=notices["park_a"], enterprise=enterprise_a)
    user_roles(hr_user)  # the roles are read once a request (core.roles), not per count
    with django_assert_num_queries(1):
        assert notice_unread_count(hr_user) == 3
    read = {n.title: n.is_read for n in notices_visible_to(hr_user)}
    assert read == {"全部": True, "甲村": False, "甲园区": False, "点名甲": False}


def test_only_hr_have_unread_notices(staff_user, union_user, official_user, notices):
    for user in (staff_user, union_user, official_user):
        assert notice_unread_count(user) == 0
        assert fund_notice_unread_count(user) == 0


def test_fund_notices_count_as_unread_until_opened(hr_user, enterprise_a, enterprise_b, notices):
    unread = f.FundNoticeFactory(enterprise=enterprise_a)
    read = f.FundNoticeFactory(enterprise=enterprise_a, year=2024)
    f.FundNoticeReceiptFactory(notice=read, user=hr_user)
    f.FundNoticeFactory(enterprise=enterprise_b)  # another enterprise's
    assert fund_notice_unread_count(hr_user) == 1
    # The navbar's number: unread 通知公告 and 整改通知 together (core.home).
    assert unread_count(hr_user) == 4 + 1
    f.FundNoticeReceiptFactory(notice=unread, user=hr_user)
    assert unread_count(hr_user) == 4


def test_read_counts_per_notice(staff_user, hr_user, enterprise_a, enterprise_b, notices):
    other_hr = f.UserFactory()
    enterprise_b.hr_users.add(other_hr)
    f.EnterpriseFactory(village=enterprise_a.village)  # a second enterprise of 甲村
    f.NoticeReceiptFactory(notice=notices["chosen_a"], user=hr_user, enterprise=enterprise_a)
    f.NoticeReceiptFactory(notice=notices["all"], user=hr_user, enterprise=enterprise_a)
    f.NoticeReceiptFactory(notice=notices["all"], user=other_hr, enterprise=enterprise_b)
    # Two readers of one enterprise count once.
    f.NoticeReceiptFactory(notice=notices["all"], enterprise=enterprise_b)
    counts = {
        n.title: (n.read_count, n.addressed_count)
        for n in with_read_counts(notices_visible_to(staff_user))
    }
    assert counts["全部"] == (2, 3)
    assert counts["甲村"] == (0, 2)
    assert counts["乙园区"] == (0, 1)
    assert counts["点名甲"] == (1, 2)
    assert counts["点名乙"] == (0, 1)


def test_receipts_list_every_addressed_enterprise_unread_first(hr_user, enterprise_a, enterprise_b):
    notice = f.NoticeFactory(audience=Notice.Audience.CHOSEN)
    notice.enterprises.add(enterprise_a, enterprise_b)
    f.NoticeReceiptFactory(notice=notice, user=hr_user, enterprise=enterprise_a)
    rows = notice_receipts(notice)
    assert [(row.enterprise, [r.user for r in row.receipts]) for row in rows] == [
        (enterprise_b, []),
        (enterprise_a, [hr_user]),
    ]
    assert rows[0].read_at is None and rows[1].read_at is not None


def test_an_hr_user_without_an_enterprise_has_no_notices(roles, notices):
    lonely = f.UserFactory()
    lonely.groups.add(Group.objects.get(name=Role.HR))
    assert not notices_visible_to(lonely).exists()
    assert notice_unread_count(lonely) == 0
