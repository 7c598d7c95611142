"""A report of a period that has not started is refused on every path (INTERFACES.md:
build_report refuses a quarter that has not started, exit 2), and one already in the database
never becomes the officials' latest report (issue 12)."""

import datetime
import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportRun
from reports.services import report_build, report_file_for, report_request
from reports.tasks import report_build_task

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)
REFUSED = "2027年第1季度尚未开始，不能生成进展报告。"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Every path asks django.utils.timezone for today's date."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def future_run(**fields) -> ReportRun:
    """A row of 2027Q1 as requests made before the rule left it."""
    values = {
        "kind": ReportRun.Kind.QUARTERLY,
        "period": "2027Q1",
        "as_of": TODAY,
        "version": 1,
        **fields,
    }
    return ReportRun.objects.create(**values)


def test_the_service_refuses_a_quarter_or_month_that_has_not_started():
    with pytest.raises(ValidationError) as refused:
        report_request(kind="quarterly", period="2027Q1")
    assert refused.value.messages == [REFUSED]
    with pytest.raises(ValidationError, match="2027年1月尚未开始"):
        report_request(kind="monthly", period="2027-01")
    with pytest.raises(ValidationError, match=REFUSED):
        report_file_for(kind="quarterly", period="2027q1")
    with pytest.raises(ValidationError, match="季度格式"):
        report_request(kind="quarterly", period="2027")
    assert not ReportRun.objects.exists()

    # The quarter under way may be reported (as of today), and 2027Q1 once it has started.
    with mock.patch("reports.services.report_send"):
        assert report_request(kind="quarterly", period="2026Q4").as_of == TODAY
        assert report_request(kind="monthly", period="2026-12").as_of == TODAY
    with mock.patch.object(timezone, "localdate", lambda *a, **k: datetime.date(2027, 1, 1)):
        with mock.patch("reports.services.report_send"):
            assert report_request(kind="quarterly", period="2027Q1").period == "2027Q1"


def test_build_report_refuses_with_exit_2_and_the_message_on_stderr(capsys, tmp_path):
    from django.core.management import ManagementUtility

    output = tmp_path / "r.xlsx"
    for extra in ([], ["--json"], ["--output", str(output)]):
        # run_from_argv closes the connections when done: keep the test's own open.
        with pytest.raises(SystemExit) as exited, mock.patch.object(connections, "close_all"):
            ManagementUtility(
                ["manage.py", "build_report", "--quarter", "2027Q1", *extra]
            ).execute()
        assert exited.value.code == 2
        captured = capsys.readouterr()
        assert REFUSED in captured.err and captured.out == ""
    assert not output.exists()

    with pytest.raises(CommandError, match=REFUSED) as refused:
        call_command("build_report", "--quarter", "2027Q1", stdout=io.StringIO())
    assert refused.value.returncode == 2
    # The quarter under way still works.
    out = io.StringIO()
    call_command("build_report", "--quarter", "2026Q4", "--json", stdout=out)
    assert '"as_of": "2026-12-05"' in out.getvalue()


def test_staff_asking_on_the_reports_page_are_refused(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("reports:request"), {"kind": "quarterly", "period": "2027Q1"}, follow=True
    )
    assert REFUSED in response.content.decode()
    assert not ReportRun.objects.exists()


def test_the_admin_request_and_rerun_are_refused(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:reports_reportrun_request"), {"kind": "quarterly", "period": "2027Q1"}
    )
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not ReportRun.objects.exists()

    bad = future_run(status=ReportRun.Status.FAILED)
    response = client.post(
        reverse("admin:reports_reportrun_changelist"),
        {"action": "rerun", "_selected_action": [bad.pk]},
        follow=True,
    )
    assert REFUSED in response.content.decode()
    assert list(ReportRun.objects.all()) == [bad]


def test_the_task_quietly_fails_a_request_for_a_quarter_that_has_not_started():
    run = future_run()  # requested before the rule
    with mock.patch("reports.services.report_workbook") as workbook:
        report_build_task.apply(args=[run.pk]).get()
        report_build(run_id=run.pk)  # a second delivery does nothing
    workbook.assert_not_called()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and run.error == REFUSED
    assert not run.is_current and not run.file and run.attempts == 0


def test_officials_latest_report_ignores_a_quarter_that_has_not_started(client, official_user):
    kpis = {"workers_total": 1}
    past = ReportRun.objects.create(
        kind=ReportRun.Kind.QUARTERLY,
        period="2026Q3",
        as_of=datetime.date(2026, 9, 30),
        version=1,
        is_current=True,
        status=ReportRun.Status.DONE,
        figures={"kpis": kpis},
    )
    future = future_run(is_current=True, status=ReportRun.Status.DONE, figures={"kpis": kpis})
    client.force_login(official_user)
    response = client.get(reverse("reports:figures"))
    assert response.context["latest"].pk == past.pk
    assert [label["text"] for label in response.context["trend"]["labels"]] == ["2026Q3"]
    page = response.content.decode()
    assert '<a href="%s" id="latest-drill">' % reverse("reports:run", args=[past.pk]) in page
    assert '<a href="%s" id="latest-drill">' % reverse("reports:run", args=[future.pk]) not in page
