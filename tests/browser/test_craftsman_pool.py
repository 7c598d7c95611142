"""Staff on a phone (390 px wide) open the craftsman pool from the 劳模工匠 menu, take a worker
out with a reason, find them again by name and add them back (issue 14)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from honors.models import CraftsmanPoolChange
from tests.factories import EmploymentFactory, UserFactory, WorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page: Page) -> None:
    # Wide tables scroll inside their .table-responsive box, never the page itself.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_staff_remove_and_add_back_a_craftsman_on_a_phone(page: Page, live_server):
    # The migrations' default criteria are gone with the flushed tables: a criterion of its own.
    from tests.factories import CraftsmanCriterionFactory

    roles_setup()
    CraftsmanCriterionFactory(kind="skill_level", min_skill_level="technician")
    user = UserFactory(username="staff1", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.STAFF))
    worker = WorkerFactory(name="王巧手", skill_level="technician")
    EmploymentFactory(worker=worker, hire_date=datetime.date(2020, 3, 1), position="钳工")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("staff1")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/honors/craftsmen/")
    expect(page.locator("#pool-criteria")).to_contain_text("技师(二级)")
    row = page.locator("#pool tbody tr[data-worker='%d']" % worker.pk)
    expect(row).to_contain_text("王巧手")
    expect(row).to_contain_text("钳工")
    _no_horizontal_scroll(page)

    row.get_by_label("移出理由").fill("已转岗至管理岗位")
    row.get_by_role("button", name="移出").click()
    expect(page.locator(".alert-success")).to_contain_text("王巧手")
    expect(page.locator("#pool tbody tr[data-worker='%d']" % worker.pk)).to_have_count(0)
    expect(page.locator("#pool-changes")).to_contain_text("已转岗至管理岗位")

    page.get_by_label("按姓名查找在职职工").fill("巧手")
    page.get_by_role("button", name="查找").click()
    candidate = page.locator("#candidates tbody tr[data-worker='%d']" % worker.pk)
    candidate.get_by_label("纳入理由").fill("重回技术岗位")
    candidate.get_by_role("button", name="纳入").click()
    expect(page.locator("#pool tbody tr[data-worker='%d']" % worker.pk)).to_have_count(1)
    _no_horizontal_scroll(page)
    assert list(
        CraftsmanPoolChange.objects.filter(worker=worker)
        .order_by("changed_at", "pk")
        .values_list("included", flat=True)
    ) == [False, True]
