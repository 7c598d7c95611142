"""Labour inspection records (seed measure 8) and their overdue list (issue 5)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from compliance.models import LabourInspection
from compliance.selectors import labour_inspections_overdue
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def inspection(name="甲", **fields):
    values = {
        "enterprise": EnterpriseFactory(name=name),
        "inspected_on": TODAY - 30 * DAY,
        "subject": "劳动合同签订",
        "findings": "3名职工未签合同",
        "corrections_required": "一个月内补签",
        "deadline": TODAY - DAY,
        **fields,
    }
    return LabourInspection.objects.create(**values)


def test_overdue_means_open_with_a_deadline_before_today():
    late = inspection("逾期")
    inspection("今天到期", deadline=TODAY)
    inspection("已销号", is_closed=True, closed_on=TODAY)
    inspection("无期限", deadline=None, corrections_required="")
    older = inspection("更早", deadline=TODAY - 10 * DAY)
    assert list(labour_inspections_overdue(TODAY)) == [older, late]
    assert late.is_overdue(TODAY) and not late.is_overdue(TODAY - DAY)


@pytest.mark.parametrize(
    "fields",
    [
        {"deadline": TODAY - 40 * DAY},  # before the inspection
        {"is_closed": True, "closed_on": None},
        {"is_closed": False, "closed_on": TODAY},
        {"is_closed": True, "closed_on": TODAY - 40 * DAY},
    ],
)
def test_the_database_refuses_inconsistent_records(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        inspection(**fields)


def test_clean_explains_in_chinese():
    record = LabourInspection(
        enterprise=EnterpriseFactory(),
        inspected_on=TODAY,
        subject="工时",
        deadline=TODAY + DAY,
        is_closed=True,
        closed_on=TODAY + DAY,
    )
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    errors = caught.value.message_dict
    assert "整改要求" in errors["corrections_required"][0]
    assert "晚于今天" in errors["closed_on"][0]


def test_staff_filter_the_admin_list_by_correction_status(client, staff_user, union_user, hr_user):
    inspection("逾期企业")
    inspection("期限内企业", deadline=TODAY + 5 * DAY)
    inspection("销号企业", is_closed=True, closed_on=TODAY)
    client.force_login(staff_user)
    url = reverse("admin:compliance_labourinspection_changelist")
    for choice, shown, hidden in [
        ("overdue", "逾期企业", "期限内企业"),
        ("pending", "期限内企业", "逾期企业"),
        ("closed", "销号企业", "逾期企业"),
    ]:
        page = client.get(url, {"correction": choice}).content.decode()
        assert shown in page and hidden not in page
    client.force_login(hr_user)
    assert client.get(url).status_code in (302, 403)
