"""Issue 14 acceptance, end to end in chromium: HR nominate a worker with an attachment, staff
accept it and start the 公示, the 公示 list downloads, staff approve after the period and the
honour appears on the worker's page. The clock moves by setting the round's dates in the past
through the ORM (no sleeping)."""

import datetime

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from honors.models import Honour, HonourSource, Nomination, NominationRound
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    NominationRoundFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page: Page) -> None:
    page.locator("nav").get_by_role("button", name="退出").click()
    expect(page.get_by_label("用户名")).to_be_visible()


def test_nominate_review_publicity_approve(page: Page, live_server, tmp_path):
    roles_setup()
    hr = UserFactory(username="hr1", password=PASSWORD)
    hr.groups.add(Group.objects.get(name=Role.HR))
    staff = UserFactory(username="staff1", password=PASSWORD, is_staff=True)
    staff.groups.add(Group.objects.get(name=Role.STAFF))
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    enterprise.hr_users.add(hr)
    worker = WorkerFactory(name="王建国")
    EmploymentFactory(worker=worker, enterprise=enterprise, position="数控车工")
    round_ = NominationRoundFactory(
        title="2026年度剡湖街道基层劳模推评",
        quota=2,
        opens_on=day(-10),
        closes_on=day(3),
        awarding_body="剡湖街道办事处",
    )
    deeds = tmp_path / "王建国事迹材料.pdf"
    deeds.write_bytes(b"%PDF-1.4\n% the deeds of a model worker\n")

    # HR nominate their worker from the navbar's 劳模工匠 menu.
    log_in(page, live_server.url, "hr1")
    page.locator("nav").get_by_role("button", name="劳模工匠").click()
    page.locator("nav").get_by_role("link", name="劳模推荐").click()
    expect(page.get_by_role("heading", name="剡湖机械有限公司")).to_be_visible()
    page.locator("#open-rounds tr[data-round='%d']" % round_.pk).get_by_role(
        "link", name="推荐"
    ).click()
    form = page.locator("#nomination-form")
    form.get_by_label("被推荐职工").select_option(label="王建国（数控车工）")
    form.get_by_label("岗位/职务").fill("数控车工")
    form.get_by_label("事迹简介").fill("扎根一线十五年，带徒十二名。")
    form.locator("textarea[name=deeds]").fill("该同志扎根生产一线十五年，技术精湛。")
    form.get_by_label("事迹材料附件").set_input_files(deeds)
    form.get_by_role("button", name="提交推荐").click()
    expect(page.get_by_text("推荐已提交")).to_be_visible()
    row = page.locator("#enterprise-nominations tbody tr").first
    expect(row.locator("[data-field=status]")).to_have_text("已推荐，待审核")
    expect(row.get_by_role("link", name="王建国事迹材料.pdf")).to_be_visible()
    nomination = Nomination.objects.get()
    assert nomination.attachment_name == "王建国事迹材料.pdf"
    log_out(page)

    # Staff land in the admin; the round's row there leads to its page.
    log_in(page, live_server.url, "staff1")
    page.goto(live_server.url + "/admin/honors/nominationround/")
    page.locator("#result_list").get_by_role("link", name="打开").click()
    row = page.locator("#round-nominations tr[data-nomination='%d']" % nomination.pk)
    expect(row).to_contain_text("王建国")
    row.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_text("审核结果已保存")).to_be_visible()
    expect(row.locator("[data-field=status]")).to_contain_text("审核通过")

    # The window closes (the clock moves on), then staff start the 公示 from today.
    NominationRound.objects.filter(pk=round_.pk).update(opens_on=day(-20), closes_on=day(-1))
    page.reload()
    publicity = page.locator("#publicity-form")
    publicity.get_by_label("公示开始日期").fill(day(0).isoformat())
    publicity.get_by_label("公示结束日期").fill(day(6).isoformat())
    publicity.get_by_role("button", name="开始公示").click()
    expect(page.get_by_text("已开始公示")).to_be_visible()
    expect(page.locator("#round-status")).to_have_text("公示中")

    # The 公示 list: a printable page and its .xlsx download.
    page.get_by_role("link", name="公示名单", exact=True).click()
    expect(page.locator("#publicity-title")).to_have_text(
        "关于2026年度剡湖街道基层劳模推荐人选的公示"
    )
    expect(page.locator("#publicity-list")).to_contain_text("王建国")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载公示名单（Excel）").click()
    path = tmp_path / "公示名单.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    values = [c for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
    assert "王建国" in values and "剡湖机械有限公司" in values
    assert worker.id_number not in [str(v) for v in values]

    # Approving before the 公示 ends is refused on the page.
    round_page = live_server.url + "/honors/rounds/%d/" % round_.pk
    page.goto(round_page)
    page.get_by_role("button", name="批准授予").click()
    expect(page.locator(".round-error")).to_contain_text("公示结束后才能批准")
    assert not Honour.objects.exists()

    # The 公示 period is over: staff approve, and the honour is the worker's.
    NominationRound.objects.filter(pk=round_.pk).update(
        publicity_starts_on=day(-7), publicity_ends_on=day(-1)
    )
    page.goto(round_page)  # not a reload: that would post the refused form again
    page.get_by_role("button", name="批准授予").click()
    expect(page.get_by_text("已批准，授予1个荣誉")).to_be_visible()
    expect(page.locator("#round-status")).to_have_text("已批准")
    honour = Honour.objects.get()
    assert (honour.worker, honour.source, honour.year) == (worker, HonourSource.NOMINATION, 2026)

    page.goto(live_server.url + "/workers/%d/" % worker.pk)
    honours = page.locator("#honours-table tr[data-honour='%d']" % honour.pk)
    expect(honours).to_contain_text("劳动模范")
    expect(honours).to_contain_text("街道级")
    expect(honours).to_contain_text("剡湖街道办事处")


def test_the_pages_fit_a_phone(page: Page, live_server):
    """At 390 px nothing runs off the side: wide tables scroll inside their own box."""
    roles_setup()
    staff = UserFactory(username="staff1", password=PASSWORD, is_staff=True)
    staff.groups.add(Group.objects.get(name=Role.STAFF))
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    round_ = NominationRoundFactory(title="2026年度剡湖街道基层劳模推评")
    for n in range(3):
        worker = WorkerFactory(name="职工甲%d" % n)
        EmploymentFactory(worker=worker, enterprise=enterprise)
        Nomination.objects.create(
            round=round_,
            enterprise=enterprise,
            worker=worker,
            post="数控车工",
            summary="扎根一线十五年，带徒十二名，提出合理化建议二十条。" * 3,
            deeds="事迹",
            status="accepted",
        )
    NominationRound.objects.filter(pk=round_.pk).update(
        status="publicity", publicity_starts_on=day(0), publicity_ends_on=day(6)
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "staff1")
    for path in (
        "/honors/rounds/",
        "/honors/rounds/%d/" % round_.pk,
        "/honors/rounds/%d/publicity/" % round_.pk,
        "/honors/nominations/?enterprise=%d" % enterprise.pk,
    ):
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
