"""Periodic reports: frozen snapshots as of the period's end, versions, one active request per
period, the broker being down, failures, and the workbook's figures (issue 6)."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.models import ReportDownload, ReportRun
from reports.selectors import last_complete_period, report_period
from reports.services import report_build, report_request, reports_sweep
from tests.factories import EmploymentFactory, EnterpriseFactory, VillageFactory, WorkerFactory
from tests.reports.summary import summary_by_key
from unions.models import UnionCoverage, UnionOrganisation

QUARTER_END = datetime.date(2026, 3, 31)


def test_periods():
    quarter = report_period("quarterly", "2026q1")
    assert (str(quarter), quarter.start, quarter.end) == (
        "2026Q1",
        datetime.date(2026, 1, 1),
        QUARTER_END,
    )
    assert report_period("monthly", "2026-2").end == datetime.date(2026, 2, 28)
    assert str(report_period("quarterly", "2026Q1").previous()) == "2025Q4"
    assert str(report_period("monthly", "2026-01").previous()) == "2025-12"
    assert str(last_complete_period("quarterly", datetime.date(2026, 4, 1))) == "2026Q1"
    assert str(last_complete_period("monthly", datetime.date(2026, 11, 24))) == "2026-10"
    assert report_period("quarterly", "2026Q4").as_of(datetime.date(2026, 11, 24)) == (
        datetime.date(2026, 11, 24)
    )
    with pytest.raises(ValueError, match="月份格式"):
        report_period("monthly", "2026-13")


@pytest.fixture
def district(db):
    """Two villages; on 2026-03-31: 3 enterprises, 2 covered, 4 active workers, 2 members."""
    east, west = VillageFactory(name="东村"), VillageFactory(name="西村")
    a = EnterpriseFactory(name="甲", village=east, is_above_scale=True)
    b = EnterpriseFactory(name="乙", village=east)
    c = EnterpriseFactory(name="丙", village=west)
    union = UnionOrganisation.objects.create(name="联合工会", kind="joint")
    UnionCoverage.objects.create(union=union, enterprise=a, start_date=datetime.date(2020, 1, 1))
    UnionCoverage.objects.create(union=union, enterprise=b, start_date=datetime.date(2020, 1, 1))
    hired = datetime.date(2020, 1, 1)
    for enterprise, member in ((a, True), (a, False), (b, True), (c, False)):
        EmploymentFactory(
            worker=WorkerFactory(is_union_member=member, union_joined_on=hired if member else None),
            enterprise=enterprise,
            hire_date=hired,
        )
    # Hired after the quarter's end, and departed before it: neither counts.
    EmploymentFactory(enterprise=c, hire_date=datetime.date(2026, 4, 2))
    EmploymentFactory(enterprise=c, hire_date=hired, departure_date=datetime.date(2026, 3, 1))
    return {"a": a, "b": b, "c": c, "east": east, "west": west}


def built(kind="quarterly", period="2026Q1", user=None) -> ReportRun:
    """Request and build in this test (the Celery path is tested with a real worker)."""
    with mock.patch("reports.services.report_send"):
        run = report_request(kind=kind, period=period, user=user)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    return run


def sheet_rows(run: ReportRun, name: str) -> list[tuple]:
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return list(book[name].values)


def test_a_quarterly_report_freezes_the_figures_as_of_the_quarter_end(district):
    run = built()
    assert run.status == ReportRun.Status.DONE and run.is_current and run.version == 1
    assert run.as_of == QUARTER_END
    kpis = run.figures["kpis"]
    assert (kpis["enterprises_total"], kpis["enterprises_with_union"]) == (3, 2)
    assert (kpis["workers_total"], kpis["union_members"]) == (4, 2)
    assert kpis["union_membership_rate"] == 0.5
    villages = {v["label"]: v for v in run.figures["villages"]}
    assert (villages["东村"]["workers"], villages["东村"]["covered"]) == (3, 2)
    assert (villages["西村"]["workers"], villages["西村"]["union_establishment_rate"]) == (1, 0.0)

    summary = summary_by_key(sheet_rows(run, "汇总"))
    assert summary["workers_total"][2] == 4
    assert summary["union_establishment_rate"][2] == pytest.approx(0.6667)
    # The previous quarter (never reported: computed as of 2025-12-31) still had the worker
    # who left in March.
    assert summary["workers_total"][3] == 5
    assert summary["workers_total"][4] == -1
    cover = dict((row[0], row[1]) for row in sheet_rows(run, "封面") if row[0])
    assert cover["期间"] == "2026Q1" and cover["生成人"] == "定时任务"
    uncovered = sheet_rows(run, "未建会企业")
    assert [row[0] for row in uncovered[1:]] == ["丙"]
    by_enterprise = {row[0]: row for row in sheet_rows(run, "按企业")[1:]}
    assert by_enterprise["甲"][6:8] == (2, 1)
    assert len(sheet_rows(run, "工作清单")) == 1 + 14  # the plan's tasks


def test_a_snapshot_stays_as_it_was_and_a_rerun_is_a_new_current_version(district):
    first = built()
    frozen, content = first.figures, first.file.read()
    # Later data about the past quarter (a late roster upload, say): the snapshot keeps.
    EmploymentFactory(enterprise=district["c"], hire_date=datetime.date(2026, 2, 1))
    first.refresh_from_db()
    assert first.figures == frozen
    with first.file.open("rb") as handle:
        assert handle.read() == content

    second = built()
    first.refresh_from_db()
    assert second.version == 2 and second.is_current and not first.is_current
    assert second.figures["kpis"]["workers_total"] == 5
    assert first.figures["kpis"]["workers_total"] == 4
    assert ReportRun.objects.filter(period="2026Q1", is_current=True).count() == 1


def test_one_active_request_per_period_by_constraint(district):
    with mock.patch("reports.services.report_send"):
        first = report_request(kind="quarterly", period="2026Q1")
        again = report_request(kind="quarterly", period="2026q1")
        monthly = report_request(kind="monthly", period="2026-03")
    assert again.pk == first.pk
    assert monthly.pk != first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(kind="quarterly", period="2026Q1", as_of=QUARTER_END, version=9)
    report_build(run_id=first.pk)
    report_build(run_id=first.pk)  # a second delivery of the same task does nothing
    first.refresh_from_db()
    assert first.status == ReportRun.Status.DONE and first.attempts == 1


def test_a_failed_report_shows_why_and_can_be_run_again(district):
    with mock.patch("reports.services.report_workbook", side_effect=RuntimeError("磁盘已满")):
        run = built()
    assert run.status == ReportRun.Status.FAILED and "磁盘已满" in run.error
    assert not run.is_current
    again = built()
    assert again.status == ReportRun.Status.DONE and again.version == 2


def test_with_the_broker_down_the_request_waits_in_the_database_for_the_sweeper(
    district, django_capture_on_commit_callbacks
):
    from reports.tasks import report_build_task

    with mock.patch.object(report_build_task, "delay", side_effect=ConnectionError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            run = report_request(kind="quarterly", period="2026Q1")
    run.refresh_from_db()
    assert run.status == ReportRun.Status.REQUESTED
    ReportRun.objects.filter(pk=run.pk).update(
        requested_at=run.requested_at - datetime.timedelta(minutes=5)
    )
    with mock.patch.object(report_build_task, "delay") as delay:
        assert reports_sweep() == 1
    delay.assert_called_once_with(run.pk)


def test_officials_see_and_download_reports_and_downloads_are_logged(
    client, district, official_user, hr_user, union_user
):
    run = built()
    client.force_login(official_user)
    page = client.get(reverse("reports:figures")).content.decode()
    # One report: a note that a trend needs two (issue 16), not empty axes.
    assert "2026Q1" in page and 'id="trend-single"' in page
    detail = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "东村" in detail and "西村" in detail
    response = client.get(reverse("reports:download", args=[run.pk]))
    assert response.status_code == 200
    assert ReportDownload.objects.get().user == official_user
    # Officials may ask for a period that has ended (issue 16); HR and union officers may not.
    with mock.patch("reports.services.report_send"):
        assert client.post(reverse("reports:request"), {"period": "2026Q1"}).status_code == 302
    assert ReportRun.objects.filter(period="2026Q1", requested_by=official_user).exists()
    for user in (hr_user, union_user):
        client.force_login(user)
        assert client.get(reverse("reports:figures")).status_code == 403
        assert client.post(reverse("reports:request"), {"period": "2026Q1"}).status_code == 403
        assert client.get(reverse("reports:download", args=[run.pk])).status_code == 403


def test_staff_request_a_report_from_the_page(client, district, staff_user, settings):
    client.force_login(staff_user)
    with mock.patch("reports.services.report_send") as send:
        client.post(reverse("reports:request"), {"kind": "monthly", "period": "2026-03"})
    run = ReportRun.objects.get()
    assert (run.kind, run.period, run.requested_by) == ("monthly", "2026-03", staff_user)
    assert send.call_count in (0, 1)  # sent after commit (the test transaction never commits)
