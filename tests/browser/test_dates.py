"""A date field keeps its value through a save without being touched (issue 16): the union
membership form wrote 入会日期 as 2026/11/01 into an <input type="date">, which shows it empty, so
the next save dropped it or failed."""

import datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory, WorkerFactory
from unions.models import UnionCoverage, UnionOrganisation
from workers.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOINED = datetime.date(2024, 11, 1)


def test_the_joined_date_survives_a_save_and_a_reload(page: Page, live_server):
    roles_setup()
    user = UserFactory(username="union1", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.UNION_OFFICER))
    enterprise = EnterpriseFactory(name="有工会的企业")
    union = UnionOrganisation.objects.create(name="企业工会", kind=UnionOrganisation.Kind.SINGLE)
    UnionCoverage.objects.create(
        union=union, enterprise=enterprise, start_date=datetime.date(2020, 1, 1)
    )
    worker = WorkerFactory(name="张三", is_union_member=True, union_joined_on=JOINED)
    EmploymentFactory(worker=worker, enterprise=enterprise, hire_date=datetime.date(2020, 3, 1))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("union1")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    url = "%s/unions/members/%d/" % (live_server.url, worker.pk)
    page.goto(url)

    date_field = page.locator("#membership-form input[name=joined_on]")
    expect(date_field).to_have_value("2024-11-01")
    page.locator("#membership-form").get_by_label("更正说明").fill("核对，无改动")
    page.locator("#membership-form").get_by_role("button", name="保存更正").click()
    expect(page.locator(".alert-success, .alert.alert-success").first).to_contain_text("已更正")

    page.reload()
    expect(page.locator("#membership-form input[name=joined_on]")).to_have_value("2024-11-01")
    worker.refresh_from_db()
    assert worker.is_union_member and worker.union_joined_on == JOINED
    assert Worker.objects.get(pk=worker.pk).union_joined_on == JOINED
