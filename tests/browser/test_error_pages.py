"""What a person sees when a page is not theirs or not there (issue 16: "403 is a bare English
'403 Forbidden'; 404 … is Django's page"): the site's layout and navbar, a Chinese title and
explanation, a way back to the home page, at phone and laptop width."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from tests.browser.helpers import PASSWORD, log_in
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, role: str) -> None:
    roles_setup()
    user = UserFactory(username="u1", password=PASSWORD, first_name="小红", last_name="王")
    user.groups.add(Group.objects.get(name=role))
    if role == Role.HR:
        EnterpriseFactory(name="剡湖机械有限公司").hr_users.add(user)
    log_in(page, base, "u1")


@pytest.mark.parametrize("width", [390, 1366])
def test_another_enterprises_page_is_not_found_in_the_sites_layout(page: Page, live_server, width):
    other = EnterpriseFactory(name="别家纺织有限公司")
    page.set_viewport_size({"width": width, "height": 844})
    _log_in(page, live_server.url, Role.HR)

    response = page.goto(live_server.url + "/workers/roster/%d/" % other.pk)
    assert response is not None and response.status == 404
    card = page.locator("#error-page")
    expect(card.get_by_role("heading")).to_have_text("页面不存在")
    expect(card).to_contain_text("您的账号无权查看它")
    expect(page.locator("nav.navbar")).to_be_visible()
    expect(page.get_by_text("Not Found")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    card.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("#home")).to_contain_text("王小红，您好")


def test_a_page_of_another_role_is_forbidden_in_chinese(page: Page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url, Role.OFFICIAL)

    response = page.goto(live_server.url + "/notices/")
    assert response is not None and response.status == 403
    expect(page.locator("#error-page").get_by_role("heading")).to_have_text("没有权限")
    expect(page.get_by_text("Forbidden")).to_have_count(0)
    page.locator("#error-page").get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(live_server.url + "/")
