"""Officials ask for a report of a period that has ended themselves (issue 16 "Officials see
nothing after make run"); a period in progress stays refused for them, staff keep their rights,
HR and union officers may not ask. With one report only, the trend is a note, not empty axes."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportRun
from reports.services import finished_periods, report_request
from tests.factories import ReportRunFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)
NOT_ENDED = "2026年第4季度尚未结束，只能为已结束的季度或月份申请生成报告。"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch("reports.services.report_send") as send:
        yield send


def ask(client, period, kind="quarterly"):
    return client.post(reverse("reports:request"), {"kind": kind, "period": period}, follow=True)


def test_an_official_requests_a_quarter_and_a_month_that_have_ended(client, official_user):
    client.force_login(official_user)
    response = ask(client, "2026Q2")
    assert response.status_code == 200
    assert "已提交 2026Q2 季度报告 的生成请求（版本 1）。" in response.content.decode()
    run = ReportRun.objects.get()
    assert (run.period, run.kind, run.requested_by, run.as_of) == (
        "2026Q2",
        "quarterly",
        official_user,
        datetime.date(2026, 6, 30),
    )
    ask(client, "2026-11", kind="monthly")
    assert ReportRun.objects.filter(kind="monthly", period="2026-11").exists()


def test_an_official_cannot_request_the_current_quarter_or_month(client, official_user):
    client.force_login(official_user)
    response = ask(client, "2026Q4")
    assert NOT_ENDED in response.content.decode()
    response = ask(client, "2026-12", kind="monthly")
    assert "2026年12月尚未结束" in response.content.decode()
    assert not ReportRun.objects.exists()
    with pytest.raises(ValidationError, match="尚未结束"):
        report_request(kind="quarterly", period="2026Q4", user=official_user)


def test_staff_keep_their_rights_for_the_quarter_under_way(client, staff_user):
    client.force_login(staff_user)
    ask(client, "2026Q4")
    assert ReportRun.objects.get().as_of == TODAY


@pytest.mark.parametrize("who", ["hr_user", "union_user"])
def test_hr_and_union_officers_cannot_request(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.post(reverse("reports:request"), {"period": "2026Q2"}).status_code == 403
    with pytest.raises(PermissionDenied):
        report_request(kind="quarterly", period="2026Q2", user=user)
    assert not ReportRun.objects.exists()


def test_the_scheduled_job_needs_no_user():
    assert report_request(kind="quarterly", period="2026Q3").requested_by is None


def test_the_officials_page_offers_the_periods_that_have_ended(client, official_user):
    client.force_login(official_user)
    response = client.get(reverse("reports:figures"))
    page = response.content.decode()
    assert 'id="request-forms"' in page and 'id="request-form"' not in page
    finished = {kind: periods for kind, _label, periods in response.context["finished"]}
    assert finished["quarterly"][:3] == ["2026Q3", "2026Q2", "2026Q1"]
    assert finished["monthly"][:2] == ["2026-11", "2026-10"]
    assert "2026Q4" not in finished["quarterly"] and "2026-12" not in finished["monthly"]
    assert '<option value="2026Q3">2026Q3</option>' in page
    assert "申请季度报告" in page and "申请月度报告" in page
    # Staff keep the free period field.
    assert [str(p) for p in finished_periods("quarterly", datetime.date(2027, 1, 1), 2)] == [
        "2026Q4",
        "2026Q3",
    ]


def test_one_report_shows_a_note_instead_of_empty_axes(client, official_user):
    ReportRunFactory(period="2026Q3", as_of=datetime.date(2026, 9, 30))
    client.force_login(official_user)
    page = client.get(reverse("reports:figures")).content.decode()
    assert "目前只有 2026Q3 一期季度报告，至少需要两期报告才能显示趋势。" in page
    assert 'class="trend-chart"' not in page


def test_two_reports_draw_the_chart(client, official_user):
    ReportRunFactory(period="2026Q2", as_of=datetime.date(2026, 6, 30))
    ReportRunFactory(period="2026Q3", as_of=datetime.date(2026, 9, 30))
    client.force_login(official_user)
    page = client.get(reverse("reports:figures")).content.decode()
    assert 'class="trend-chart"' in page and "<polyline" in page
    assert "至少需要两期报告" not in page
