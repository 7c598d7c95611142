"""A large roster in chromium: the page shows a progress bar while the Celery worker checks and
applies the file, and moves on by itself (no reload by the user) when the worker is done."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from tests.conftest import celery_worker_running
from tests.factories import EnterpriseFactory, UserFactory
from tests.workers.test_import_roster import write_xlsx
from tests.workers.test_roster_tasks import many_rows
from workers.models import Employment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_bar_follows_the_worker_until_the_roster_is_applied(
    page: Page, live_server, background, tmp_path
):
    roles_setup()
    user = UserFactory(username="hr-big", password="pw-for-tests")
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise = EnterpriseFactory(name="大型企业")
    enterprise.hr_users.add(user)
    path = write_xlsx(tmp_path / "big.xlsx", many_rows(8000))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("hr-big")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    page.locator("#home [data-item=花名册上传]").click()  # from the home page (issue 16)
    page.locator("#roster-upload-form input[type=file]").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()
    expect(page).to_have_url(re.compile(r"/workers/roster/uploads/\d+/$"))

    # No worker yet: the upload waits in the queue and the page says so.
    expect(page.locator("#upload-status")).to_have_text("排队中")
    expect(page.locator("#upload-progress .progress-bar")).to_be_visible()
    with celery_worker_running():
        # The page polls and moves on by itself when the worker has checked the file.
        expect(page.locator("#upload-status")).to_have_text("已校验，待确认", timeout=60_000)
    expect(page.locator("#upload-counts [data-count=created]")).to_have_text("8000")

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#upload-status")).to_have_text("导入中")
    expect(page.locator("#upload-progress .progress-bar")).to_be_visible()
    with celery_worker_running():
        expect(page.locator("#upload-status")).to_have_text("已导入", timeout=60_000)
    expect(page.locator("#applied")).to_be_visible()
    assert Employment.objects.filter(enterprise=enterprise).count() == 8000
