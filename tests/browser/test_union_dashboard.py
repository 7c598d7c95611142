"""A union officer logs in, lands on the coverage dashboard, changes the date, follows a figure
to the list behind it and exports that list (issue 4)."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory, WorkerFactory
from unions.models import UnionCoverage, UnionOrganisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_union_officer_reads_the_dashboard_and_exports_the_uncovered(page: Page, live_server):
    roles_setup()
    user = UserFactory(username="union1", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.UNION_OFFICER))
    covered = EnterpriseFactory(name="有工会的企业", is_above_scale=True)
    EnterpriseFactory(name="没有工会的企业", is_above_scale=True)
    union = UnionOrganisation.objects.create(name="企业工会", kind=UnionOrganisation.Kind.SINGLE)
    UnionCoverage.objects.create(
        union=union, enterprise=covered, start_date=datetime.date(2025, 1, 1)
    )
    EmploymentFactory(
        worker=WorkerFactory(is_union_member=True),
        enterprise=covered,
        hire_date=datetime.date(2024, 1, 1),
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("union1")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    # The home page (issue 16) leads to the dashboard.
    expect(page).to_have_url(live_server.url + "/")
    page.locator("#home [data-item=工会覆盖]").click()
    expect(page).to_have_url(live_server.url + "/unions/")
    expect(page.locator("[data-figure=union_establishment_rate]")).to_have_text("50.00%")
    expect(page.locator("[data-figure=union_membership_rate]")).to_have_text("100.00%")
    expect(page.locator("svg.coverage-chart").first).to_be_visible()

    # Before the union was founded nothing was covered.
    page.get_by_label("截至日期").fill("2024-06-30")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("[data-figure=union_establishment_rate]")).to_have_text("0.00%")

    page.get_by_label("截至日期").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="查看").click()
    page.locator("[data-figure=uncovered]").locator("..").get_by_role("link").click()
    expect(page.locator("#coverage-enterprises tbody tr")).to_have_count(1)
    expect(page.locator("#coverage-enterprises")).to_contain_text("没有工会的企业")
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["没有工会的企业"]
