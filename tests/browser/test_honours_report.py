"""An official on a phone (390 px wide) reads the honours figures and the quarter's nomination
rounds on the reports page and in a frozen report (issue 14): nothing runs off the side."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from reports.services import report_build, report_request
from tests.factories import (
    EmploymentFactory,
    HonourFactory,
    NominationFactory,
    NominationRoundFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_reads_the_honours_figures_on_a_phone(page: Page, live_server):
    roles_setup()
    user = UserFactory(username="leader", password="pw-for-tests")
    user.groups.add(Group.objects.get(name=Role.OFFICIAL))
    job = EmploymentFactory(hire_date=datetime.date(2020, 1, 1))
    HonourFactory(worker=job.worker, name="model_worker", year=2026)
    spring = NominationRoundFactory(
        title="2026年度剡湖街道基层劳模推评（第一批，含较长的名称）",
        opens_on=datetime.date(2026, 4, 1),
        closes_on=datetime.date(2026, 4, 30),
    )
    NominationFactory(round=spring, worker=job.worker, enterprise=job.enterprise, employed=False)
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period="2026Q2")
    report_build(run_id=run.pk)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/")  # the home page (issue 16)

    page.goto(live_server.url + "/reports/?quarter=2026Q2")
    live = page.locator("#live-figures tr[data-key=model_workers] td")
    expect(live.nth(0)).to_have_text("劳动模范（在职）")
    expect(live.nth(1)).to_have_text("1")
    expect(page.locator("#quarter-rounds tbody tr")).to_have_count(1)
    expect(page.locator("#quarter-rounds")).to_contain_text("2026年度剡湖街道基层劳模推评")
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0

    page.goto(live_server.url + "/reports/runs/%d/" % run.pk)
    expect(page.locator("#run-figures tr[data-key=honours_individual] td").nth(1)).to_have_text("1")
    expect(page.locator("#run-honours tr[data-name=model_worker] td").last).to_have_text("1")
    expect(page.locator("#run-rounds tbody tr")).to_have_count(1)
    assert page.evaluate(overflow) <= 0
