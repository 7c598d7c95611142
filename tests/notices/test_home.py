"""The 通知公告 section of each role's home page and the navbar's unread count (core.home)."""

import pytest
from django.urls import reverse

from core.home import sections_for, unread_count
from notices.models import Notice
from tests import factories as f

pytestmark = pytest.mark.django_db


def _section(user):
    return next((s for s in sections_for(user) if s.key == "notices"), None)


def test_hr_see_what_is_unread_as_urgent(hr_user, enterprise_a, enterprise_b):
    f.NoticeFactory()
    f.NoticeFactory(audience=Notice.Audience.PARK, park=enterprise_b.park)  # not theirs
    f.FundNoticeFactory(enterprise=enterprise_a)
    (item,) = _section(hr_user).items
    assert item.url == reverse("notices:list")
    assert (item.count, item.count_label, item.urgent) == (2, "未读", True)
    assert unread_count(hr_user) == 2


def test_hr_with_nothing_unread_see_no_urgent_count(hr_user, enterprise_a):
    notice = f.NoticeFactory()
    f.NoticeReceiptFactory(notice=notice, user=hr_user, enterprise=enterprise_a)
    (item,) = _section(hr_user).items
    assert (item.count, item.urgent) == (0, False)
    assert unread_count(hr_user) == 0


def test_staff_see_drafts_and_this_months_notices(staff_user):
    f.NoticeFactory.create_batch(2)
    f.NoticeFactory(published_at=None)
    drafts, published = _section(staff_user).items
    assert drafts.url == reverse("admin:notices_notice_add")
    assert (drafts.count, drafts.count_label) == (1, "草稿")
    assert published.url == reverse("admin:notices_notice_changelist")
    assert (published.count, published.count_label) == (2, "本月已发布")
    assert unread_count(staff_user) == 0


def test_union_officers_get_the_list_officials_nothing(union_user, official_user):
    (item,) = _section(union_user).items
    assert item.url == reverse("notices:list") and item.count is None
    assert _section(official_user) is None
