"""An official logs in, sees the latest figures and their trend, drills into the villages and
downloads the quarterly report (issue 6)."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from reports.models import ReportDownload
from reports.services import report_build, report_request
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_sees_the_dashboard_and_downloads_the_report(page: Page, live_server):
    roles_setup()
    user = UserFactory(username="leader", password="pw-for-tests")
    user.groups.add(Group.objects.get(name=Role.OFFICIAL))
    village = VillageFactory(name="剡湖村")
    enterprise = EnterpriseFactory(village=village)
    EmploymentFactory(enterprise=enterprise, hire_date=datetime.date(2020, 1, 1))
    with mock.patch("reports.services.report_send"):
        for period in ("2026Q1", "2026Q2"):
            report_build(run_id=report_request(kind="quarterly", period=period).pk)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    # The home page (issue 16) leads to the reports.
    expect(page).to_have_url(live_server.url + "/")
    page.locator("#home [data-item=改革进展]").click()
    expect(page).to_have_url(live_server.url + "/reports/")
    expect(page.locator("#latest-figures tr[data-key=workers_total] td").nth(1)).to_have_text("1")
    expect(page.locator("svg.trend-chart")).to_be_visible()
    membership = page.locator("svg.trend-chart polyline[data-key=union_membership_rate]")
    expect(membership).to_have_attribute("points", "40.0,170.0 620.0,170.0")  # 0% both quarters
    expect(page.locator("#report-runs tr[data-period]")).to_have_count(2)

    page.locator("#latest-drill").click()
    expect(page.locator("tr[data-label=剡湖村]").first).to_be_visible()
    page.go_back()

    row = page.locator("#report-runs tr[data-period='2026Q2']")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert {"封面", "汇总", "按村（社区）"} <= set(book.sheetnames)
    assert ReportDownload.objects.get().user == user
