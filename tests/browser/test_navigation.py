"""The navbar on a phone and on a laptop, the home page, and the way back from the admin
(issue 16: "Staff are stuck in the admin", "the navbar does not collapse")."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from imports.models import ImportRecord
from tests.browser.helpers import PASSWORD, log_in
from tests.factories import EnterpriseFactory, ImportRecordFactory, NoticeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username: str, role: str, *, is_staff: bool = False):
    roles_setup()
    user = UserFactory(
        username=username, password=PASSWORD, is_staff=is_staff, first_name="小红", last_name="王"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_on_a_phone_the_navbar_opens_from_its_toggler(page: Page, live_server):
    user = _user("hr1", Role.HR)
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    enterprise.hr_users.add(user)
    ImportRecordFactory(enterprise=enterprise, status=ImportRecord.Status.VALIDATED)
    NoticeFactory(title="关于报送花名册的通知")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "hr1")
    nav = page.locator("#portal-nav")
    toggler = page.get_by_role("button", name="展开导航")
    expect(toggler).to_be_visible()
    expect(nav.get_by_role("link", name="花名册上传")).to_be_hidden()
    expect(page.locator("#home")).to_contain_text("王小红，您好")
    expect(page.locator("#home-waiting")).to_contain_text("花名册上传")
    expect(page.locator("#home-waiting")).to_contain_text("1 份预览待确认")
    _no_horizontal_scroll(page)

    toggler.click()
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    expect(page.locator("#nav-unread")).to_have_text(re.compile(r"^1"))
    expect(page.locator("#nav-user")).to_have_text("王小红")
    nav.get_by_role("link", name="花名册上传").click()
    expect(page).to_have_url("%s/workers/roster/%d/" % (live_server.url, enterprise.pk))
    _no_horizontal_scroll(page)

    # Back home through the collapsed navbar.
    page.get_by_role("button", name="展开导航").click()
    page.locator("#portal-nav").get_by_role("link", name="首页").click()
    expect(page).to_have_url(live_server.url + "/")


def test_on_a_laptop_the_links_show_without_the_toggler(page: Page, live_server):
    _user("staff1", Role.STAFF, is_staff=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server.url, "staff1")
    expect(page.get_by_role("button", name="展开导航")).to_be_hidden()
    nav = page.locator("#portal-nav")
    for name in ("首页", "花名册上传", "工会覆盖", "改革进展", "工作清单", "后台管理"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    # Staff's home lists the pages issue 16 found missing from the admin.
    home = page.locator("#home")
    for title in ("经费达标", "改革进展", "工作清单", "工会覆盖", "后台管理"):
        expect(home.locator("[data-item='%s']" % title)).to_be_visible()
    home.locator("[data-item=经费达标]").click()
    expect(page).to_have_url(re.compile(r"/training/funds/compliance/$"))


@pytest.mark.parametrize("width", [1366, 390])
def test_from_the_admin_back_to_the_home_page(page: Page, live_server, width):
    _user("staff1", Role.STAFF, is_staff=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    log_in(page, live_server.url, "staff1")
    page.goto(live_server.url + "/admin/enterprises/enterprise/")
    expect(page.locator("#site-name")).to_have_text("剡湖街道产业工人队伍建设改革管理平台")
    link = page.get_by_role("link", name="门户首页")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("#home")).to_be_visible()

    # 查看站点 leads there too, and no longer back into the admin.
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="查看站点").click()
    expect(page).to_have_url(live_server.url + "/")
