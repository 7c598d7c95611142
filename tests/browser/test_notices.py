"""Staff publish a 通知公告 with an attachment in the admin; an HR user of an addressed
enterprise finds it unread on a phone, opens it, downloads the attachment, and it is read
(issue 16: "HR miss what is addressed to them")."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from notices.models import Notice, NoticeReceipt
from tests.browser.helpers import log_in
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_publish_and_hr_read_on_a_phone(page: Page, live_server, tmp_path):
    roles_setup()
    staff = UserFactory(username="staff1", password="pw-for-tests", is_staff=True)
    staff.groups.add(Group.objects.get(name=Role.STAFF))
    hr = UserFactory(username="hr1", password="pw-for-tests")
    hr.groups.add(Group.objects.get(name=Role.HR))
    EnterpriseFactory(name="甲企业").hr_users.add(hr)
    attachment = tmp_path / "报送要求.pdf"
    attachment.write_bytes(b"%PDF-1.4 notice")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/admin/login/?next=/admin/notices/notice/add/")
    page.get_by_label("用户名").fill("staff1")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    page.get_by_label("标题").fill("关于报送花名册的通知")
    page.get_by_label("正文").fill("请于月底前报送。")
    page.locator("input[type=file][name='attachments-0-file']").set_input_files(attachment)
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator("#result_list")).to_contain_text("已读 0 / 应读 1")
    assert Notice.objects.get().published_at is not None

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "hr1")
    item = page.locator("#home [data-item=通知公告]").first
    expect(item).to_contain_text("1")
    item.click()
    expect(page).to_have_url(live_server.url + "/notices/")
    row = page.locator("[data-notice]").first
    expect(row).to_contain_text("未读")
    row.click()
    expect(page.locator("#notice-body")).to_contain_text("请于月底前报送。")
    with page.expect_download() as download:
        page.get_by_role("link", name="报送要求.pdf").click()
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4 notice"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="通知公告").first.click()
    expect(page.locator("[data-notice]").first).not_to_contain_text("未读")
    assert NoticeReceipt.objects.get().user == hr
