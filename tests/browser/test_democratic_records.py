"""HR enter their enterprise's 职代会 on a phone, staff confirm it on the review list and HR then
see it confirmed; a union officer reads 党建 for a past quarter on a phone (issue 15: "HR can
enter their own enterprise's records on their pages (staff confirm them)", "branches with no
三会一课 or 主题党日 recorded this quarter")."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from compliance.models import WorkersCongressSession
from core.periods import Quarter
from core.roles import Role, roles_setup
from party.models import PartyActivity
from tests.browser.helpers import PASSWORD, log_in
from tests.factories import (
    EnterpriseFactory,
    PartyActivityFactory,
    PartyBranchFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username: str, role: str, *, first_name: str, last_name: str, is_staff: bool = False):
    roles_setup()
    user = UserFactory(
        username=username,
        password=PASSWORD,
        is_staff=is_staff,
        first_name=first_name,
        last_name=last_name,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_hr_enter_a_congress_session_and_staff_confirm_it(
    page: Page, live_server, browser, browser_context_args
):
    hr = _user("hr1", Role.HR, first_name="小红", last_name="王")
    staff = _user("staff1", Role.STAFF, first_name="建国", last_name="李", is_staff=True)
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    enterprise.hr_users.add(hr)

    # HR, on a phone, open 民主管理 through the collapsed navbar and land on their enterprise.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "hr1")
    page.get_by_role("button", name="展开导航").click()
    page.locator("#portal-nav").get_by_role("link", name="民主管理").click()
    expect(page).to_have_url("%s/compliance/%d/" % (live_server.url, enterprise.pk))
    expect(page.locator("h1")).to_have_text("剡湖机械有限公司 · 民主管理")
    congress = page.locator("#records-congress")
    expect(congress).to_contain_text("暂无记录。")
    _no_horizontal_scroll(page)

    page.locator("#section-congress").get_by_role("link", name="登记职代会").click()
    expect(page.locator("h1")).to_have_text("登记职代会")
    page.get_by_label("召开日期").fill("2026-09-01")
    page.get_by_label("届次").fill("第一届第一次")
    page.get_by_label("职工代表人数").fill("32")
    page.get_by_label("审议议题").fill("审议年度工资调整方案")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url("%s/compliance/%d/" % (live_server.url, enterprise.pk))
    row = page.locator("#records-congress tbody tr").filter(has_text="第一届第一次")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2026-09-01")
    expect(row).to_contain_text("审议年度工资调整方案")
    expect(row.locator("[data-field=status]")).to_have_text("待确认")
    expect(row.get_by_role("link", name="修改")).to_be_visible()
    _no_horizontal_scroll(page)

    # Staff, in their own browser on a laptop, confirm it on the review list.
    staff_context = browser.new_context(**browser_context_args)
    try:
        staff_page = staff_context.new_page()
        staff_page.set_viewport_size({"width": 1366, "height": 900})
        log_in(staff_page, live_server.url, "staff1")
        staff_page.locator("#portal-nav").get_by_role("link", name="民主管理").click()
        expect(staff_page).to_have_url(live_server.url + "/compliance/pending/")
        expect(staff_page.locator("h1")).to_have_text("民主管理记录待确认")
        expect(staff_page.locator("#pending-count-congress")).to_have_text("共 1 条")
        pending = staff_page.locator("#pending-records-congress tbody tr").filter(
            has_text="剡湖机械有限公司"
        )
        expect(pending).to_contain_text("第一届第一次")
        expect(pending).to_contain_text("王小红")
        pending.get_by_role("button", name="确认").click()
        message = staff_page.locator(".alert")
        expect(message).to_contain_text("已确认：剡湖机械有限公司 第一届第一次")
        expect(staff_page.locator("#pending-records-congress")).to_contain_text(
            "没有待确认的记录。"
        )
        expect(staff_page.locator("#pending-count-congress")).to_have_text("共 0 条")
    finally:
        staff_context.close()

    # HR's page now shows it confirmed, no longer to be changed or withdrawn.
    page.reload()
    row = page.locator("#records-congress tbody tr").filter(has_text="第一届第一次")
    expect(row.locator("[data-field=status]")).to_have_text("已确认")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    expect(row.get_by_role("button", name="撤回")).to_have_count(0)

    record = WorkersCongressSession.objects.get(enterprise=enterprise)
    assert record.confirmed_by == staff and record.confirmed_at is not None
    assert record.entered_by == hr


def test_union_officer_see_a_branch_with_only_a_party_lecture_lack_a_themed_day(
    page: Page, live_server
):
    _user("union1", Role.UNION_OFFICER, first_name="小明", last_name="张", is_staff=True)
    # The last quarter that has ended, picked on the page.
    quarter = Quarter.recent(timezone.localdate())[1]
    held_on = quarter.start + datetime.timedelta(days=10)
    lecture_only = PartyBranchFactory(
        name="剡湖机械有限公司党支部", village=VillageFactory(name="剡湖村")
    )
    PartyActivityFactory(
        branch=lecture_only, held_on=held_on, kind=PartyActivity.Kind.PARTY_LECTURE
    )
    themed = PartyBranchFactory(name="剡湖村联合党支部", kind="joint")
    PartyActivityFactory(branch=themed, held_on=held_on, kind=PartyActivity.Kind.THEMED_PARTY_DAY)
    PartyActivityFactory(
        branch=themed, held_on=held_on, kind=PartyActivity.Kind.GENERAL_MEETING, topic="党员大会"
    )

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "union1")
    page.get_by_role("button", name="展开导航").click()
    page.locator("#portal-nav").get_by_role("link", name="党建").click()
    expect(page).to_have_url(live_server.url + "/party/")
    page.get_by_label("季度").select_option(str(quarter))
    page.get_by_role("button", name="查看").click()
    expect(page.locator("h1")).to_contain_text(str(quarter))

    # A 党课 counts for 三会一课 but not for 主题党日.
    without_themed = page.locator("#without-themed-day li")
    expect(without_themed).to_have_text(["剡湖机械有限公司党支部"])
    expect(page.locator("#without-three-meetings li")).to_have_text(["无"])
    figures = page.locator("#party-figures")
    expect(figures.locator("[data-key=branches_without_themed_day] td")).to_have_text("1")
    expect(figures.locator("[data-key=branches_without_three_meetings] td")).to_have_text("0")
    lecture_row = page.locator("#branch-activities tbody tr").filter(
        has_text="剡湖机械有限公司党支部"
    )
    expect(lecture_row.locator("td")).to_have_text(
        [
            "剡湖机械有限公司党支部",
            "单独组建",
            "剡湖村",
            "1",
            "1",
            "0",
            held_on.isoformat(),
        ]
    )
    _no_horizontal_scroll(page)
