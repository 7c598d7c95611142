"""HR's democratic-management pages and staff confirmation (issue 15): HR enter their own
enterprise's 职代会, 厂务公开 and wage contracts (another enterprise's page is not found), change
or withdraw them until staff confirm; staff confirm on the review list or in the admin, each
confirmation audited; union officers read both pages without a form; the pages' queries do not
grow with their rows."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from compliance import views
from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    WorkersCongressSession,
)
from compliance.services import (
    democratic_record_confirm,
    factory_affairs_disclosure_enter,
    workers_congress_session_delete,
    workers_congress_session_enter,
)
from core.models import AuditLog
from tests.factories import (
    CollectiveWageContractFactory,
    EnterpriseFactory,
    FactoryAffairsDisclosureFactory,
    WorkersCongressSessionFactory,
)
from tests.test_query_counts import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
HELD_ON = datetime.date(2026, 9, 1)


@pytest.fixture
def own(hr_user):
    enterprise = EnterpriseFactory(name="甲企业")
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.fixture
def other():
    return EnterpriseFactory(name="乙企业")


def congress_data(session: str = "第一届第一次") -> dict[str, str]:
    return {
        "held_on": "2026-09-01",
        "session": session,
        "delegates": "32",
        "topics": "审议年度工资调整方案",
        "resolutions": "通过",
    }


def enter_congress(user, enterprise, session: str = "第一届第一次") -> WorkersCongressSession:
    return workers_congress_session_enter(
        user=user,
        enterprise=enterprise,
        held_on=HELD_ON,
        session=session,
        delegates=32,
        topics="审议年度工资调整方案",
    )


# --- pages per role ----------------------------------------------------------------------------


def test_hr_land_on_their_enterprise(client, hr_user, own):
    client.force_login(hr_user)
    response = client.get(reverse("compliance:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:enterprise", args=[own.pk])


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
def test_staff_and_union_officers_pick_an_enterprise(client, request, role, own, other):
    """The shared enterprise picker (enterprises/_enterprise_picker.html) under this page's
    title, each enterprise linking to its democratic-management page."""
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("compliance:home")).content.decode()
    assert "<title>民主管理" in page and 'id="democratic-enterprises"' in page
    for enterprise in (own, other):
        assert 'href="%s"' % reverse("compliance:enterprise", args=[enterprise.pk]) in page
    page = client.get(reverse("compliance:home"), {"q": "乙"}).content.decode()
    assert "乙企业" in page and "甲企业" not in page
    page = client.get(reverse("compliance:home"), {"q": "无此企业"}).content.decode()
    assert "没有找到符合条件的企业。" in page


def test_hr_enter_a_session_that_waits_for_confirmation(client, hr_user, own):
    client.force_login(hr_user)
    url = reverse("compliance:record_add", args=[own.pk, "congress"])
    assert client.get(url).status_code == 200
    response = client.post(url, congress_data())
    assert response.status_code == 302
    session = WorkersCongressSession.objects.get(enterprise=own)
    assert session.entered_by == hr_user
    assert session.confirmed_at is None and session.confirmed_by is None
    page = client.get(reverse("compliance:enterprise", args=[own.pk])).content.decode()
    assert "第一届第一次" in page and "待确认" in page
    assert reverse("compliance:record_edit", args=["congress", session.pk]) in page
    saved = AuditLog.objects.get(action="compliance.congress_session.saved")
    assert saved.actor == hr_user and saved.detail["created"] is True


def test_hr_enter_a_disclosure_and_a_wage_contract(client, hr_user, own):
    client.force_login(hr_user)
    client.post(
        reverse("compliance:record_add", args=[own.pk, "disclosure"]),
        {
            "disclosed_on": "2026-08-15",
            "subject": "年度工资调整方案",
            "channel": "公开栏",
            "content": "调整方案全文",
        },
    )
    response = client.post(
        reverse("compliance:record_add", args=[own.pk, "wage_contract"]),
        {
            "signed_on": "2026-01-10",
            "start_date": "2026-01-01",
            "end_date": "2025-12-31",
            "wage_increase_percent": "5.5",
            "notes": "",
        },
    )
    # A contract that ends before it starts is refused on the form, in Chinese.
    assert response.status_code == 200
    assert "到期日期不能早于生效日期" in response.content.decode()
    assert not CollectiveWageContract.objects.exists()
    disclosure = FactoryAffairsDisclosure.objects.get(enterprise=own)
    assert disclosure.entered_by == hr_user and disclosure.confirmed_at is None


def test_hr_of_another_enterprise_get_not_found(client, hr_user, own, other, staff_user):
    theirs = enter_congress(staff_user, other)
    client.force_login(hr_user)
    assert client.get(reverse("compliance:enterprise", args=[other.pk])).status_code == 404
    add = reverse("compliance:record_add", args=[other.pk, "congress"])
    assert client.get(add).status_code == 404
    assert client.post(add, congress_data()).status_code == 404
    edit = reverse("compliance:record_edit", args=["congress", theirs.pk])
    assert client.get(edit).status_code == 404
    withdraw = reverse("compliance:record_withdraw", args=["congress", theirs.pk])
    assert client.post(withdraw).status_code == 404
    assert WorkersCongressSession.objects.filter(enterprise=other).count() == 1


def test_hr_change_and_withdraw_only_unconfirmed_records(client, hr_user, staff_user, own):
    record = enter_congress(hr_user, own)
    client.force_login(hr_user)
    edit = reverse("compliance:record_edit", args=["congress", record.pk])
    response = client.post(edit, congress_data("第一届第二次"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.session == "第一届第二次" and record.confirmed_at is None

    democratic_record_confirm(user=staff_user, record=record)
    response = client.post(edit, congress_data("第一届第三次"))
    assert response.status_code == 200
    assert "已由街道确认，不能再修改" in response.content.decode()
    record.refresh_from_db()
    assert record.session == "第一届第二次"
    page = client.get(reverse("compliance:enterprise", args=[own.pk])).content.decode()
    assert "已确认" in page and edit not in page

    withdraw = reverse("compliance:record_withdraw", args=["congress", record.pk])
    client.post(withdraw)
    assert WorkersCongressSession.objects.filter(pk=record.pk).exists()

    second = enter_congress(hr_user, own, "第二届第一次")
    client.post(reverse("compliance:record_withdraw", args=["congress", second.pk]))
    assert not WorkersCongressSession.objects.filter(pk=second.pk).exists()
    assert AuditLog.objects.filter(
        action="compliance.congress_session.deleted", object_id=str(second.pk)
    ).exists()


def test_union_officers_read_without_forms(client, union_user, hr_user, own):
    record = enter_congress(hr_user, own)
    client.force_login(union_user)
    page = client.get(reverse("compliance:enterprise", args=[own.pk])).content.decode()
    assert "第一届第一次" in page and "待确认" in page
    assert "<form" not in page.split("<main", 1)[-1].replace('action="/accounts/logout/"', "")
    pending = client.get(reverse("compliance:pending")).content.decode()
    assert "甲企业" in pending
    assert reverse("compliance:record_confirm", args=["congress", record.pk]) not in pending
    assert client.get(reverse("compliance:home")).status_code == 200
    add = reverse("compliance:record_add", args=[own.pk, "congress"])
    assert client.get(add).status_code == 403
    confirm = reverse("compliance:record_confirm", args=["congress", record.pk])
    assert client.post(confirm).status_code == 403
    record.refresh_from_db()
    assert record.confirmed_at is None


def test_officials_see_none_of_it(client, official_user, own):
    client.force_login(official_user)
    for url in (
        reverse("compliance:home"),
        reverse("compliance:pending"),
        reverse("compliance:enterprise", args=[own.pk]),
    ):
        assert client.get(url).status_code == 403


def test_navbar_links(client, hr_user, staff_user, union_user, own):
    page = reverse("compliance:enterprise", args=[own.pk])
    client.force_login(hr_user)
    assert 'href="%s"' % reverse("compliance:home") in client.get(page).content.decode()
    for user in (staff_user, union_user):
        client.force_login(user)
        assert 'href="%s"' % reverse("compliance:pending") in client.get(page).content.decode()


# --- staff confirmation ----------------------------------------------------------------------


def test_staff_confirm_on_the_review_list_with_an_audit_row(client, hr_user, staff_user, own):
    record = enter_congress(hr_user, own)
    client.force_login(staff_user)
    page = client.get(reverse("compliance:pending")).content.decode()
    confirm = reverse("compliance:record_confirm", args=["congress", record.pk])
    assert confirm in page
    response = client.post(confirm)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.confirmed_by == staff_user and record.confirmed_at is not None
    audit = AuditLog.objects.get(action="compliance.congress_session.confirmed")
    assert audit.actor == staff_user
    assert audit.detail == {"enterprise": own.pk, "entered_by": hr_user.pk}
    assert confirm not in client.get(reverse("compliance:pending")).content.decode()
    # Confirming twice changes nothing and writes no second row.
    client.post(confirm)
    assert AuditLog.objects.filter(action="compliance.congress_session.confirmed").count() == 1


def test_staff_records_are_confirmed_when_entered(staff_user, own):
    record = factory_affairs_disclosure_enter(
        user=staff_user,
        enterprise=own,
        disclosed_on=HELD_ON,
        subject="年度工资调整方案",
        channel="公开栏",
        content="内容",
    )
    assert record.entered_by == staff_user and record.confirmed_by == staff_user
    assert record.confirmed_at is not None


def test_only_staff_confirm_and_hr_may_not_delete_confirmed(hr_user, union_user, staff_user, own):
    record = enter_congress(hr_user, own)
    for user in (hr_user, union_user):
        with pytest.raises(PermissionDenied):
            democratic_record_confirm(user=user, record=record)
    democratic_record_confirm(user=staff_user, record=record)
    with pytest.raises(ValidationError):
        workers_congress_session_delete(user=hr_user, session=record)
    workers_congress_session_delete(user=staff_user, session=record)
    assert not WorkersCongressSession.objects.exists()


def test_the_admin_action_confirms_the_selected_records(client, hr_user, staff_user, own):
    first, second = enter_congress(hr_user, own), enter_congress(hr_user, own, "第一届第二次")
    client.force_login(staff_user)
    changelist = reverse("admin:compliance_workerscongresssession_changelist")
    assert "确认所选记录" in client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {"action": "confirm_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "已确认 2 条记录" in response.content.decode()
    assert not WorkersCongressSession.objects.filter(confirmed_at__isnull=True).exists()
    assert AuditLog.objects.filter(action="compliance.congress_session.confirmed").count() == 2
    pending = client.get(changelist + "?confirmed=no").context["cl"].result_count
    assert pending == 0


def test_union_officers_get_no_confirm_action_in_the_admin(client, union_user):
    WorkersCongressSessionFactory()
    client.force_login(union_user)
    page = client.get(reverse("admin:compliance_workerscongresssession_changelist"))
    assert page.status_code == 200
    assert "确认所选记录" not in page.content.decode()


def test_a_staff_admin_add_is_confirmed(client, staff_user, own):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:compliance_workerscongresssession_add"),
        {"enterprise": own.pk, **congress_data()},
    )
    assert response.status_code == 302
    record = WorkersCongressSession.objects.get()
    assert record.entered_by == staff_user and record.confirmed_at is not None


# --- query counts ------------------------------------------------------------------------------


def _records_of(enterprise, hr_user):
    def add(n: int) -> None:
        for _i in range(n):
            WorkersCongressSessionFactory(enterprise=enterprise, entered_by=hr_user)
            FactoryAffairsDisclosureFactory(enterprise=enterprise, confirmed_at=None)
            CollectiveWageContractFactory(enterprise=enterprise, confirmed_at=None)

    return add


@pytest.mark.parametrize("role", ["hr_user", "staff_user", "union_user"])
def test_enterprise_page_queries_do_not_grow(client, request, role, own, hr_user):
    user = request.getfixturevalue(role)
    assert_queries_do_not_grow(
        client,
        user,
        reverse("compliance:enterprise", args=[own.pk]),
        _records_of(own, hr_user),
        lambda response: response.content.decode().count("data-record=") // 3,  # three kinds a row
    )


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
def test_pending_list_queries_do_not_grow(client, request, role, hr_user):
    user = request.getfixturevalue(role)

    def add(n: int) -> None:
        for _i in range(n):
            enterprise = EnterpriseFactory()
            WorkersCongressSessionFactory(
                enterprise=enterprise, entered_by=hr_user, confirmed_at=None
            )
            FactoryAffairsDisclosureFactory(enterprise=enterprise, confirmed_at=None)
            CollectiveWageContractFactory(enterprise=enterprise, confirmed_at=None)

    assert_queries_do_not_grow(
        client,
        user,
        reverse("compliance:pending"),
        add,
        lambda response: response.content.decode().count("data-record=") // 3,  # three kinds a row
    )


def test_pending_list_pages_each_kind(client, monkeypatch, staff_user, hr_user, own):
    """More pending records of a kind than fit on a page: the next page lists the rest, the
    section says how many there are, and paging one kind keeps the other's page."""
    monkeypatch.setattr(views, "PENDING_PER_PAGE", 2)
    sessions = [
        WorkersCongressSessionFactory(enterprise=own, entered_by=hr_user, confirmed_at=None)
        for _i in range(3)
    ]
    disclosures = [
        FactoryAffairsDisclosureFactory(enterprise=own, confirmed_at=None) for _i in range(3)
    ]
    client.force_login(staff_user)
    url = reverse("compliance:pending")

    first = client.get(url).content.decode()
    assert _listed(first, "congress") == [s.pk for s in sessions[:2]]
    assert "共 3 条" in _section(first, "congress")
    assert "第 1 / 2 页" in _section(first, "congress")

    second = client.get(url + "?congress_page=2&disclosure_page=2").content.decode()
    assert _listed(second, "congress") == [sessions[2].pk]
    assert _listed(second, "disclosure") == [disclosures[2].pk]
    assert "共 3 条" in _section(second, "congress")
    assert "第 2 / 2 页" in _section(second, "congress")
    # Back to the first page of 职代会: the 厂务公开 section stays on its second page.
    assert 'href="?disclosure_page=2&amp;congress_page=1"' in _section(second, "congress")
    # No wage contract is pending: its section says so and has no pager.
    assert "没有待确认的记录。" in _section(second, "wage_contract")
    assert "第 1 / 1 页" not in second


def test_pending_list_later_page_queries_do_not_grow(client, monkeypatch, staff_user, hr_user, own):
    monkeypatch.setattr(views, "PENDING_PER_PAGE", 2)

    def add(n: int) -> None:
        for _i in range(n):
            WorkersCongressSessionFactory(enterprise=own, entered_by=hr_user, confirmed_at=None)
            FactoryAffairsDisclosureFactory(enterprise=EnterpriseFactory(), confirmed_at=None)
            CollectiveWageContractFactory(enterprise=own, confirmed_at=None)

    few, many = assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("compliance:pending") + "?congress_page=2&disclosure_page=2&wage_contract_page=2",
        add,
    )
    assert few == many


def _section(page: str, kind: str) -> str:
    return page.split('id="pending-%s"' % kind, 1)[1].split("</section>", 1)[0]


def _listed(page: str, kind: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-record="(\d+)"', _section(page, kind))]
