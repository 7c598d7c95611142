import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_and_sees_the_chinese_admin_with_demo_data(page: Page, live_server):
    call_command("seed_demo", stdout=io.StringIO())

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()

    # The home page (issue 16) leads to the admin.
    expect(page).to_have_url(live_server.url + "/")
    page.locator("#home [data-item=后台管理]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_have_text("剡湖街道产业工人队伍建设改革管理平台")
    page.locator("#enterprises-enterprise").get_by_role("link", name="企业名录").click()
    expect(page.get_by_role("link", name="嵊州市剡湖领带有限公司")).to_be_visible()
    expect(page.locator("#changelist-filter")).to_contain_text("规上企业")

    page.goto(live_server.url + "/admin/workers/worker/")
    first_id = page.locator("td.field-masked_id_number_display").first
    expect(first_id).to_have_text(re.compile(r"^330683\*{10}[0-9X]{2}$"))
