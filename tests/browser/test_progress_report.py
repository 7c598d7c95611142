"""Staff write the quarter's progress section, preview and publish it; an official then reads it
on the report page and downloads the Word document and the workbook, both carrying it (issue
15)."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import Group
from docx import Document
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from reports.models import ReportDownload, ReportNarrative
from reports.services import report_build, report_request
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()


def test_staff_publish_the_progress_section_and_an_official_downloads_it(page: Page, live_server):
    roles_setup()
    staff = UserFactory(username="writer", password="pw-for-tests", is_staff=True)
    staff.groups.add(Group.objects.get(name=Role.STAFF))
    official = UserFactory(username="leader", password="pw-for-tests")
    official.groups.add(Group.objects.get(name=Role.OFFICIAL))
    enterprise = EnterpriseFactory(name="=1+1", village=VillageFactory(name="剡湖村"))
    EmploymentFactory(enterprise=enterprise, hire_date=datetime.date(2020, 1, 1))
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period="2026Q2")
    report_build(run_id=run.pk)

    _login(page, live_server, "writer")
    page.goto(live_server.url + "/reports/runs/%d/" % run.pk)
    page.locator("#narrative-edit").click()
    page.get_by_label("工作开展情况").fill("召开推进会两次。\n\n- 更新花名册；\n- 新建联合工会。")
    page.get_by_label("存在问题").fill("<script>alert(1)</script>小微企业建会难。")
    page.get_by_label("下步打算").fill("1. 推进联合工会建设；\n2. 开展技能比武。")
    page.get_by_role("button", name="预览").click()
    preview = page.locator("#narrative-preview")
    expect(preview.locator("[data-section=work_done] li")).to_have_count(2)
    expect(preview.locator("[data-section=problems] p")).to_have_text(
        "<script>alert(1)</script>小微企业建会难。"
    )
    assert not ReportNarrative.objects.exists()  # a preview saves nothing
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#narrative-versions tr[data-status=draft]")).to_have_count(1)
    page.get_by_role("button", name="发布版本 v1").click()
    expect(page.locator("#narrative-versions tr[data-status=published]")).to_have_count(1)

    _login(page, live_server, "leader")
    page.goto(live_server.url + "/reports/runs/%d/" % run.pk)
    card = page.locator("#narrative-published")
    expect(card.locator("[data-section=problems]")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("#narrative-edit")).to_have_count(0)

    with page.expect_download() as download_info:
        page.locator("#run-docx").click()
    word = download_info.value
    assert word.suggested_filename.endswith(".docx")
    with open(word.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "剡湖街道产业工人队伍建设改革工作进展情况（2026年第二季度）"
    assert "<script>alert(1)</script>小微企业建会难。" in texts
    assert "更新花名册；" in texts
    assert [c.text for c in document.tables[0].rows[0].cells][:2] == ["指标", "数值"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载报告").click()
    workbook = download_info.value
    assert workbook.suggested_filename.endswith(".xlsx")
    with open(workbook.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    progress = [row[0] for row in book["进展情况"].values]
    assert "<script>alert(1)</script>小微企业建会难。" in progress
    assert "1. 推进联合工会建设；" in progress
    assert "=1+1" in [row[0] for row in book["按企业"].values]
    assert ReportDownload.objects.filter(user=official).count() == 2
