"""Each role's home page (issue 16): what it can do, what is waiting, and the way back from
the admin."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.accounts import person_name
from imports.models import ImportRecord
from reports.models import ReportRun
from reports.selectors import last_complete_period
from tests import factories as f
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALIDATED = ImportRecord.Status.VALIDATED


def _items(html: str) -> dict[str, int | None]:
    """Each item of the page's sections by title, with the number on its badge (None: nothing
    is counted there)."""
    items: dict[str, int | None] = {}
    for chunk in html.split('data-item="')[1:]:
        title, rest = chunk.split('"', 1)
        body = rest.split("</a>", 1)[0]
        count = re.search(r'data-count="(\d+)"', body)
        items[title] = int(count.group(1)) if count else None
    return items


def _waiting(html: str) -> list[str]:
    return re.findall(r'data-waiting="([^"]+)"', html)


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _hr_enterprise(hr_user, **kwargs):
    enterprise = f.EnterpriseFactory(**kwargs)
    enterprise.hr_users.add(hr_user)
    return enterprise


# --- names ------------------------------------------------------------------------------------


def test_person_name_is_family_name_first_without_a_space():
    user = UserFactory(username="zhangsan", first_name="三", last_name="张")
    assert person_name(user) == "张三"
    assert Template("{% load people %}{{ u|person_name }}").render(Context({"u": user})) == "张三"


def test_person_name_falls_back_to_the_login_name():
    assert person_name(UserFactory(username="hr2", first_name="", last_name="")) == "hr2"


# --- what each role can do --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "shown", "hidden"),
    [
        (
            "staff_user",
            [
                "花名册上传",
                "经费达标",
                "工会覆盖",
                "改革进展",
                "工作清单",
                "民主管理待确认",
                "后台管理",
            ],
            ["培训经费申报"],
        ),
        (
            "hr_user",
            ["花名册上传", "技能证书", "培训经费申报", "培训记录", "民主管理", "劳模推荐"],
            ["经费达标", "后台管理", "改革进展", "工作清单", "工会覆盖"],
        ),
        (
            "union_user",
            ["工会覆盖", "党组织覆盖", "职工名册", "工匠库", "民主管理待确认"],
            ["花名册上传", "改革进展", "工作清单", "劳模推荐"],
        ),
        ("official_user", ["改革进展", "工作清单"], ["职工名册", "花名册上传", "后台管理"]),
        ("worklist_user", ["工作清单"], ["改革进展", "职工名册", "后台管理"]),
    ],
)
def test_each_role_sees_what_it_can_do(client, request, fixture, shown, hidden):
    items = _items(_home(client, request.getfixturevalue(fixture)))
    for title in shown:
        assert title in items, title
    for title in hidden:
        assert title not in items, title


def test_staff_are_not_sent_to_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="%s"' % reverse("admin:index") in html
    assert 'href="%s"' % reverse("training:compliance") in html
    assert 'href="%s"' % reverse("reports:figures") in html


def test_a_user_without_a_role_is_told_so(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert "没有分配角色" in response.content.decode()


def test_greeting_and_navbar_name_in_chinese_order(client, hr_user):
    hr_user.first_name, hr_user.last_name = "小红", "王"
    hr_user.save()
    html = _home(client, hr_user)
    assert "王小红，您好" in html
    assert re.search(r'id="nav-user">王小红<', html)
    assert "企业人事" in html


# --- what is waiting --------------------------------------------------------------------------


def test_previews_to_confirm_hr_their_enterprises_staff_all(client, hr_user, staff_user):
    own = _hr_enterprise(hr_user)
    f.ImportRecordFactory(enterprise=own, status=VALIDATED)
    f.ImportRecordFactory(enterprise=own, status=ImportRecord.Status.APPLIED)
    f.ImportRecordFactory(enterprise=own, status=VALIDATED, kind="certificates")
    f.ImportRecordFactory(status=VALIDATED)  # another enterprise's
    f.ImportRecordFactory(status=VALIDATED)

    hr = _items(_home(client, hr_user))
    assert hr["花名册上传"] == 1
    assert hr["技能证书"] == 1
    assert hr["培训记录"] == 0

    html = _home(client, staff_user)
    staff = _items(html)
    assert staff["花名册上传"] == 3
    assert "花名册上传" in _waiting(html)


def test_fund_declarations_missing_or_failing(client, hr_user, staff_user):
    """HR: their enterprises that have not declared the year being declared or fail its rule;
    staff: every enterprise. The year's own rule (here 5%, set by staff) applies, exactly."""
    year = timezone.localdate().year - 1
    f.FundRuleFactory(year=year, extraction_rate=Decimal("0.0500"))
    declared = _hr_enterprise(hr_user)
    # Exactly 5% extracted and exactly 60% of the spending on the front line: passes.
    f.FundDeclarationFactory(enterprise=declared, year=year, extracted=Decimal("50000.00"))
    _hr_enterprise(hr_user)  # has not declared
    failing = f.EnterpriseFactory()  # another enterprise's: a fen short of 5%
    f.FundDeclarationFactory(enterprise=failing, year=year, extracted=Decimal("49999.99"))
    frontline = f.EnterpriseFactory()  # a fen short of 60% on the front line
    f.FundDeclarationFactory(enterprise=frontline, year=year, frontline_spent=Decimal("29999.99"))
    # An earlier year's failing declaration is not waiting any more.
    f.FundDeclarationFactory(enterprise=declared, year=year - 1, extracted=Decimal("0.00"))

    assert _items(_home(client, hr_user))["培训经费申报"] == 1
    assert _items(_home(client, staff_user))["经费达标"] == 3


def test_pending_democratic_management_confirmations(client, hr_user, staff_user, union_user):
    own = _hr_enterprise(hr_user)
    f.WorkersCongressSessionFactory(enterprise=own, confirmed_at=None)
    f.WorkersCongressSessionFactory(enterprise=own)  # confirmed
    f.FactoryAffairsDisclosureFactory(confirmed_at=None)
    f.CollectiveWageContractFactory(confirmed_at=None)
    f.CollectiveWageContractFactory()

    assert _items(_home(client, staff_user))["民主管理待确认"] == 3
    assert _items(_home(client, union_user))["民主管理待确认"] == 3
    assert _items(_home(client, hr_user))["民主管理"] == 1


def test_open_nomination_rounds_for_hr(client, hr_user):
    _hr_enterprise(hr_user)
    today = timezone.localdate()
    f.NominationRoundFactory()
    f.NominationRoundFactory(closes_on=today - datetime.timedelta(days=1))  # closed
    f.NominationRoundFactory(status="publicity")
    html = _home(client, hr_user)
    assert _items(html)["劳模推荐"] == 1
    assert "劳模推荐" in _waiting(html)


def test_overdue_tasks_reporters_their_units_staff_and_officials_all(
    client, staff_user, official_user, worklist_user
):
    today = timezone.localdate()
    past = today - datetime.timedelta(days=5)
    future = today + datetime.timedelta(days=30)
    unit = f.OwnerUnitFactory()
    unit.members.add(worklist_user)
    f.ReformTaskFactory(deadline=past, owner_units=[unit])  # overdue, no feedback
    late_milestone = f.ReformTaskFactory(deadline=future, owner_units=[unit])
    f.MilestoneFactory(task=late_milestone, due_on=past)  # a milestone is overdue
    done = f.ReformTaskFactory(deadline=past, owner_units=[unit])
    f.TaskFeedbackFactory(task=done, unit=unit, percent=100, reported_on=past)
    half = f.ReformTaskFactory(deadline=past, owner_units=[unit])
    f.TaskFeedbackFactory(task=half, unit=unit, percent=60, reported_on=past)
    on_time = f.ReformTaskFactory(deadline=future, owner_units=[unit])
    f.MilestoneFactory(task=on_time, due_on=past, done_on=past)
    f.ReformTaskFactory(deadline=past)  # another unit's

    assert _items(_home(client, worklist_user))["工作清单"] == 3
    assert _items(_home(client, official_user))["工作清单"] == 4
    assert _items(_home(client, staff_user))["工作清单"] == 4


def test_latest_reports_ready_for_officials(client, official_user):
    today = timezone.localdate()
    quarter = str(last_complete_period("quarterly", today))
    month = str(last_complete_period("monthly", today))
    f.ReportRunFactory(period=quarter)
    f.ReportRunFactory(
        kind=ReportRun.Kind.MONTHLY,
        period=month,
        status=ReportRun.Status.RUNNING,
        is_current=False,
    )
    f.ReportRunFactory(period="2024Q1")  # an old one: not what officials wait for
    assert _items(_home(client, official_user))["改革进展"] == 1

    f.ReportRunFactory(kind=ReportRun.Kind.MONTHLY, period=month, version=2)
    assert _items(_home(client, official_user))["改革进展"] == 2


def test_unread_notices_on_the_home_page_and_the_navbar(client, hr_user, official_user):
    _hr_enterprise(hr_user)
    f.NoticeFactory()
    f.NoticeFactory()
    html = _home(client, hr_user)
    assert re.search(r'id="nav-unread">2<', html)
    assert "通知公告" in _waiting(html)

    html = _home(client, official_user)  # officials are sent no notices
    assert 'id="nav-notices"' not in html


def test_nothing_waiting_says_so(client, official_user):
    html = _home(client, official_user)
    assert 'id="home-nothing-waiting"' in html and not _waiting(html)


def test_home_page_queries_do_not_grow_with_rows(client, staff_user, hr_user):
    year = timezone.localdate().year - 1
    past = timezone.localdate() - datetime.timedelta(days=5)
    enterprise = _hr_enterprise(hr_user)

    def rows(n: int) -> None:
        for _ in range(n):
            f.ImportRecordFactory(enterprise=enterprise, status=VALIDATED)
            f.FundDeclarationFactory(enterprise=_hr_enterprise(hr_user), year=year)
            f.WorkersCongressSessionFactory(enterprise=enterprise, confirmed_at=None)
            f.ReformTaskFactory(deadline=past)
            f.NominationRoundFactory()
            f.NoticeFactory()

    def queries(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    rows(1)
    few = {user.username: queries(user) for user in (staff_user, hr_user)}
    rows(6)
    many = {user.username: queries(user) for user in (staff_user, hr_user)}
    assert many == few


# --- the admin --------------------------------------------------------------------------------


def test_admin_header_leads_to_the_home_page(client, staff_user):
    staff_user.first_name, staff_user.last_name = "明", "李"
    staff_user.save()
    assert admin.site.site_url == "/"
    client.force_login(staff_user)
    for url in (reverse("admin:index"), reverse("admin:enterprises_enterprise_changelist")):
        html = client.get(url).content.decode()
        assert re.search(r'<a id="portal-home-link" href="/">门户首页</a>', html), url
        assert 'href="/">查看站点</a>' in html
        assert "<strong>李明</strong>" in html
        assert "剡湖街道产业工人队伍建设改革管理平台" in html  # the site header stays
    # 查看站点 no longer bounces staff back into the admin.
    assert client.get(admin.site.site_url).status_code == 200


def test_admin_pages_pay_nothing_for_the_unread_count(client, staff_user):
    """The navbar's count is lazy: the admin, which shows no navbar, never asks for it."""
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("admin:index"))
    assert not [q for q in captured if "notices_notice" in q["sql"]]
