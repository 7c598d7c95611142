"""Labour inspections (seed measure 8: 加大劳动法律执法检查): what the database and the model
refuse, which inspections are open or overdue on a day, and the admin list staff work from."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.admin import LabourInspectionAdmin
from compliance.models import LabourInspection
from compliance.selectors import labour_inspections_open, labour_inspections_overdue
from core.roles import Role
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
AS_OF = datetime.date(2026, 9, 30)
CHANGELIST = "admin:compliance_labourinspection_changelist"
# Union officers read inspections (seed measure 8: the union supervises); the report issue
# grants it to the role.
UNION_OFFICER_PERMISSION = "compliance.view_labourinspection"

DEADLINE_BEFORE_INSPECTION = "整改期限不能早于检查日期。"
CLOSED_ON_IFF_CLOSED = "已整改销号的请填写销号日期；未销号的不要填写销号日期。"
CLOSED_BEFORE_INSPECTION = "销号日期不能早于检查日期。"


def inspection(enterprise=None, *, day: datetime.date = AS_OF, save=True, **fields):
    """An inspection 30 days before `day`, due the day before `day`, not closed."""
    values = {
        "enterprise": enterprise or EnterpriseFactory(),
        "inspected_on": day - 30 * DAY,
        "subject": "劳动合同签订",
        "findings": "3名职工未签订书面劳动合同",
        "corrections_required": "一个月内补签",
        "deadline": day - DAY,
        **fields,
    }
    record = LabourInspection(**values)
    if save:
        record.save()
    return record


def messages(record: LabourInspection) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


# The database and the model


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"deadline": AS_OF - 31 * DAY}, DEADLINE_BEFORE_INSPECTION),
        ({"is_closed": True, "closed_on": None}, CLOSED_ON_IFF_CLOSED),
        ({"is_closed": False, "closed_on": AS_OF}, CLOSED_ON_IFF_CLOSED),
        ({"is_closed": True, "closed_on": AS_OF - 31 * DAY}, CLOSED_BEFORE_INSPECTION),
    ],
)
def test_inconsistent_records_are_refused_with_a_chinese_message(fields, message):
    assert messages(inspection(save=False, **fields)) == {NON_FIELD_ERRORS: [message]}
    with pytest.raises(IntegrityError), transaction.atomic():
        inspection(**fields)
    assert not LabourInspection.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"deadline": AS_OF - 30 * DAY},  # due the day of the inspection
        {"is_closed": True, "closed_on": AS_OF - 30 * DAY},  # closed the day of the inspection
        {"deadline": None, "corrections_required": ""},  # nothing to correct
    ],
)
def test_the_limits_themselves_are_allowed(fields):
    record = inspection(save=False, **fields)
    record.full_clean()
    record.save()
    assert LabourInspection.objects.get() == record


def test_a_closing_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + DAY
    record = inspection(save=False, day=tomorrow, is_closed=True, closed_on=tomorrow)
    assert messages(record) == {"closed_on": ["销号日期不能晚于今天。"]}
    today = timezone.localdate()
    inspection(save=False, day=today, is_closed=True, closed_on=today).full_clean()


@pytest.mark.parametrize("corrections", ["", "  \n"])
def test_a_deadline_needs_the_corrections_it_is_for(corrections):
    record = inspection(save=False, corrections_required=corrections)
    assert messages(record) == {"corrections_required": ["设定了整改期限，请填写整改要求。"]}


# Open and overdue on a day


def test_overdue_means_open_with_the_deadline_before_the_day():
    yesterday = inspection(EnterpriseFactory(name="A 昨天到期"), deadline=AS_OF - DAY)
    inspection(EnterpriseFactory(name="B 今天到期"), deadline=AS_OF)
    inspection(EnterpriseFactory(name="C 明天到期"), deadline=AS_OF + DAY)
    inspection(EnterpriseFactory(name="D 已销号"), is_closed=True, closed_on=AS_OF - DAY)
    inspection(EnterpriseFactory(name="E 销号当天"), is_closed=True, closed_on=AS_OF)
    inspection(EnterpriseFactory(name="F 无期限"), deadline=None, corrections_required="")
    assert list(labour_inspections_overdue(AS_OF)) == [yesterday]
    assert [r for r in LabourInspection.objects.all() if r.is_overdue(AS_OF)] == [yesterday]


def test_overdue_are_listed_by_deadline_then_enterprise_name():
    late = inspection(EnterpriseFactory(name="A 纺织"), deadline=AS_OF - 2 * DAY)
    b_later = inspection(EnterpriseFactory(name="B 机械"), deadline=AS_OF - DAY)
    a_later = inspection(EnterpriseFactory(name="A 电机"), deadline=AS_OF - DAY)
    assert list(labour_inspections_overdue(AS_OF)) == [late, a_later, b_later]


def test_a_past_day_counts_inspections_closed_since_as_open_then():
    """Report figures are as of a day: closing an inspection later does not rewrite it."""
    closed_later = inspection(is_closed=True, closed_on=AS_OF + 5 * DAY)
    assert list(labour_inspections_overdue(AS_OF)) == [closed_later]
    assert list(labour_inspections_open(AS_OF)) == [closed_later]
    assert closed_later.is_overdue(AS_OF)
    assert not labour_inspections_overdue(AS_OF + 5 * DAY).exists()
    assert not closed_later.is_overdue(AS_OF + 5 * DAY)


def test_open_lists_every_inspection_not_closed_nearest_deadline_first():
    no_deadline = inspection(EnterpriseFactory(name="A 无期限"), deadline=None)
    later = inspection(EnterpriseFactory(name="B 期限内"), deadline=AS_OF + 10 * DAY)
    overdue = inspection(EnterpriseFactory(name="C 逾期"), deadline=AS_OF - DAY)
    inspection(EnterpriseFactory(name="D 已销号"), is_closed=True, closed_on=AS_OF)
    inspection(EnterpriseFactory(name="E 以后才检查"), inspected_on=AS_OF + DAY, deadline=None)
    assert list(labour_inspections_open(AS_OF)) == [overdue, later, no_deadline]


@pytest.mark.parametrize("selector", [labour_inspections_open, labour_inspections_overdue])
def test_the_lists_fetch_enterprises_in_the_same_query(selector, django_assert_num_queries):
    for _ in range(3):
        inspection()
    with django_assert_num_queries(1):
        rows = [(r.enterprise.name, r.enterprise.village.name) for r in selector(AS_OF)]
    assert len(rows) == 3


# The admin


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def four_states(today):
    """One inspection an enterprise, in each state as of today."""
    return {
        "甲纺织有限公司": inspection(EnterpriseFactory(name="甲纺织有限公司"), day=today),
        "乙机械有限公司": inspection(
            EnterpriseFactory(name="乙机械有限公司"), day=today, deadline=today
        ),
        "丙电机有限公司": inspection(
            EnterpriseFactory(name="丙电机有限公司"),
            day=today,
            deadline=None,
            corrections_required="",
            subject="工资支付",
        ),
        "丁领带有限公司": inspection(
            EnterpriseFactory(name="丁领带有限公司"), day=today, is_closed=True, closed_on=today
        ),
    }


def listed(client, **params) -> set[str]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    page = response.content.decode()
    return {
        name
        for name in ["甲纺织有限公司", "乙机械有限公司", "丙电机有限公司", "丁领带有限公司"]
        if name in page
    }


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, {"甲纺织有限公司", "乙机械有限公司", "丙电机有限公司", "丁领带有限公司"}),
        ({"correction": "overdue"}, {"甲纺织有限公司"}),
        ({"correction": "pending"}, {"乙机械有限公司", "丙电机有限公司"}),
        ({"correction": "closed"}, {"丁领带有限公司"}),
        ({"is_closed__exact": "1"}, {"丁领带有限公司"}),
        ({"is_closed__exact": "0"}, {"甲纺织有限公司", "乙机械有限公司", "丙电机有限公司"}),
        ({"q": "工资支付"}, {"丙电机有限公司"}),
        ({"q": "领带"}, {"丁领带有限公司"}),
    ],
)
def test_staff_filter_and_search_the_list(client, staff_user, four_states, params, names):
    client.force_login(staff_user)
    assert listed(client, **params) == names


def test_staff_find_an_inspection_by_enterprise_code_and_village(client, staff_user, four_states):
    enterprise = four_states["乙机械有限公司"].enterprise
    client.force_login(staff_user)
    assert listed(client, q=enterprise.uscc.lower()) == {"乙机械有限公司"}
    assert listed(client, enterprise__village__id__exact=enterprise.village_id) == {
        "乙机械有限公司"
    }


def test_the_overdue_column_counts_from_today(four_states):
    model_admin = LabourInspectionAdmin(LabourInspection, admin.site)
    overdue = {name for name, r in four_states.items() if model_admin.overdue_today(r)}
    assert overdue == {"甲纺织有限公司"}


def test_the_list_does_not_query_per_row(client, staff_user, today):
    client.force_login(staff_user)
    inspection(day=today)
    client.get(reverse(CHANGELIST))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(CHANGELIST))
    for _ in range(4):
        inspection(day=today)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert len(many) == len(few)


def form_data(enterprise, today, **fields) -> dict[str, str]:
    return {
        "enterprise": str(enterprise.pk),
        "inspected_on": str(today - 30 * DAY),
        "inspector": "嵊州市人力社保局劳动保障监察大队",
        "kind": "contract",  # 问题类别 (issue 15)
        "subject": "劳动合同签订",
        "findings": "3名职工未签订书面劳动合同",
        "corrections_required": "一个月内补签",
        "deadline": str(today),
        "closed_on": "",
        **fields,
    }


def test_staff_add_and_close_an_inspection(client, staff_user, today):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    added = client.post(
        reverse("admin:compliance_labourinspection_add"), form_data(enterprise, today)
    )
    assert added.status_code == 302
    record = LabourInspection.objects.get()
    assert (record.enterprise, record.deadline, record.is_closed) == (enterprise, today, False)
    change_url = reverse("admin:compliance_labourinspection_change", args=[record.pk])
    closed = client.post(
        change_url, form_data(enterprise, today, is_closed="on", closed_on=str(today))
    )
    assert closed.status_code == 302
    record.refresh_from_db()
    assert (record.is_closed, record.closed_on) == (True, today)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"is_closed": "on"}, CLOSED_ON_IFF_CLOSED),
        ({"closed_on": "today"}, CLOSED_ON_IFF_CLOSED),
        ({"deadline": "2020-01-01"}, DEADLINE_BEFORE_INSPECTION),
        ({"corrections_required": ""}, "设定了整改期限，请填写整改要求。"),
    ],
)
def test_the_admin_form_explains_what_is_wrong(client, staff_user, today, fields, message):
    client.force_login(staff_user)
    fields = {k: str(today) if v == "today" else v for k, v in fields.items()}
    data = form_data(EnterpriseFactory(), today, **fields)
    response = client.post(reverse("admin:compliance_labourinspection_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LabourInspection.objects.exists()


@pytest.mark.parametrize("role", ["hr_user", "official_user"])
def test_hr_and_officials_do_not_reach_the_inspections(client, request, role, today):
    inspection(day=today)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(CHANGELIST)).status_code in (302, 403)
    added = client.post(
        reverse("admin:compliance_labourinspection_add"), form_data(EnterpriseFactory(), today)
    )
    assert added.status_code in (302, 403)
    assert LabourInspection.objects.count() == 1


@pytest.fixture
def union_officer(union_user):
    """The union officer group holding the view permission on inspections."""
    app_label, codename = UNION_OFFICER_PERMISSION.split(".")
    Group.objects.get(name=Role.UNION_OFFICER).permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    return union_user


def test_union_officers_read_but_do_not_write(client, union_officer, four_states, today):
    """Seed measure 8: 支持工会组织发挥监督作用 — union officers follow every enterprise's
    inspections, staff keep them."""
    client.force_login(union_officer)
    assert listed(client, correction="overdue") == {"甲纺织有限公司"}
    add_url = reverse("admin:compliance_labourinspection_add")
    assert client.post(add_url, form_data(EnterpriseFactory(), today)).status_code == 403
