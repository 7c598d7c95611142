"""A large roster in chromium: the page shows a progress bar while the Celery worker checks and
applies the file, and moves on by itself (no reload by the user) when the worker is done; the
link to a file's 错误说明 copy appears by itself once the worker has built it."""

import re
import threading

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


def test_the_annotated_file_link_appears_by_itself_once_the_worker_has_built_it(
    page: Page, live_server, background, tmp_path, monkeypatch
):
    from imports import services
    from tests.workers.test_import_roster import row

    roles_setup()
    user = UserFactory(username="hr-bad", password="pw-for-tests")
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise = EnterpriseFactory(name="大型企业")
    enterprise.hr_users.add(user)
    rows = many_rows(300)
    rows[5] = row(5, 入职日期="明天")
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    # The worker's build waits until the test lets it go, so the waiting page is seen.
    release = threading.Event()
    build = services.annotated_workbook_write

    def held_build(*args, **kwargs):
        assert release.wait(60)
        return build(*args, **kwargs)

    monkeypatch.setattr(services, "annotated_workbook_write", held_build)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("hr-bad")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/workers/roster/")
    page.locator("#roster-upload-form input[type=file]").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()
    expect(page).to_have_url(re.compile(r"/workers/roster/uploads/\d+/$"))
    with celery_worker_running():
        try:
            expect(page.locator("#upload-status")).to_have_text("有错误，未导入", timeout=60_000)
            expect(page.locator("#annotated-waiting")).to_have_text(
                "正在生成错误说明文件，请稍候刷新"
            )
            expect(page.locator("#download-annotated")).to_have_count(0)
        finally:
            release.set()
        # The page polls and shows the link by itself once the worker has stored the file.
        expect(page.locator("#download-annotated")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.locator("#download-annotated").click()
    assert download.value.suggested_filename == "bad（错误说明）.xlsx"
