"""HR log in, declare last year's training funds by form, see it fail the 8% rule with its
shortfall, correct it, and see the earlier version kept (issue 5)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from tests.factories import EnterpriseFactory, UserFactory
from training.models import FundDeclaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_declares_by_form_fixes_an_error_and_resubmits(page: Page, live_server):
    roles_setup()
    user = UserFactory(username="hr1", password="pw-for-tests")
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    enterprise.hr_users.add(user)
    EnterpriseFactory(name="别人的公司")
    year = timezone.localdate().year - 1

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("hr1")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    # The training pages sit in the navbar's 培训与技能 menu.
    page.locator("nav").get_by_role("button", name="培训与技能").click()
    page.locator("nav").get_by_role("link", name="培训经费").click()
    expect(page.get_by_role("heading", name="剡湖机械有限公司")).to_be_visible()
    expect(page.get_by_text("别人的公司")).to_have_count(0)

    form = page.locator("#declare-form")
    form.get_by_label("年度").fill(str(year))
    form.get_by_label("职工工资总额（元）").fill("1,234,567.89")
    form.get_by_label("教育培训经费提取额（元）").fill("¥90,000")
    form.get_by_label("教育培训经费使用额（元）").fill("50,000")
    form.get_by_label("其中一线职工使用额（元）").fill("60,000")  # more than spent: an error
    form.get_by_role("button", name="提交申报").click()
    expect(page.locator("#declare-form")).to_contain_text("不能大于教育培训经费使用额")
    assert not FundDeclaration.objects.exists()

    form = page.locator("#declare-form")
    form.get_by_label("其中一线职工使用额（元）").fill("30,000")
    form.get_by_role("button", name="提交申报").click()
    expect(page.get_by_text("年度申报已保存")).to_be_visible()
    row = page.locator("#fund-declarations tr[data-year='%d']" % year)
    expect(row.locator("[data-field=extraction]")).to_have_text("不足")
    expect(row.locator("[data-field=shortfall]")).to_have_text("8,765.44")  # 98,765.4312 − 90,000
    expect(row.locator("[data-field=frontline]")).to_have_text("达标")

    form = page.locator("#declare-form")
    form.get_by_label("年度").fill(str(year))
    form.get_by_label("职工工资总额（元）").fill("1234567.89")
    form.get_by_label("教育培训经费提取额（元）").fill("98765.44")
    form.get_by_label("教育培训经费使用额（元）").fill("50000")
    form.get_by_label("其中一线职工使用额（元）").fill("30000")
    form.get_by_role("button", name="提交申报").click()
    row = page.locator("#fund-declarations tr[data-year='%d']" % year)
    expect(row.locator("[data-field=extraction]")).to_have_text("达标")
    row.locator("summary").click()
    expect(row.locator("summary")).to_have_text("v2")
    expect(row.locator("details li")).to_have_count(2)
    expect(row.locator("details li").nth(1)).to_contain_text("v1")
    assert FundDeclaration.objects.get().versions.count() == 2
