"""The quarterly report through celery: the beat task, a real worker (Redis in CI), the
workbook read back with openpyxl, and a second run (issue 6)."""

import datetime
import io

import openpyxl
import pytest

from reports.models import ReportRun
from reports.selectors import last_complete_period
from reports.tasks import report_build_task, report_scheduled_task
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.reports.summary import summary_by_key
from tests.workers.test_roster_tasks import wait_for as roster_wait_for


def wait_for(predicate, timeout: float = 120.0, what: str = "condition"):
    """Poll gently: on SQLite (development) the test database is shared in memory and a read
    at the wrong moment makes the worker's write fail and retry with backoff (or this read
    fail, which the roster tests' wait_for takes as not yet)."""
    return roster_wait_for(predicate, timeout=timeout, what=what, every=0.5)


def done_runs():
    return list(ReportRun.objects.filter(status=ReportRun.Status.DONE).order_by("version"))


def test_the_quarterly_task_builds_the_report_and_a_second_run_keeps_the_first(worker_thread):
    quarter = last_complete_period("quarterly")
    period, as_of = str(quarter), quarter.as_of()
    enterprise = EnterpriseFactory(is_above_scale=True)
    for member in (True, True, False):
        EmploymentFactory(
            enterprise=enterprise,
            worker=WorkerFactory(is_union_member=member),
            hire_date=as_of - datetime.timedelta(days=100),
        )
    EmploymentFactory(enterprise=enterprise, hire_date=as_of + datetime.timedelta(days=1))

    report_scheduled_task.delay("quarterly")
    [first] = wait_for(done_runs, what="the quarterly report")
    assert (first.kind, first.period, first.as_of) == ("quarterly", period, as_of)
    with first.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    summary = {key: row[2] for key, row in summary_by_key(book["汇总"].values).items()}
    assert summary["workers_total"] == 3  # the one hired after the quarter's end is not
    assert summary["union_members"] == 2
    assert summary["union_membership_rate"] == pytest.approx(0.6667)
    assert book["趋势"]._charts  # a native Excel chart

    report_build_task.delay(first.pk)  # the same delivery again: nothing changes
    report_scheduled_task.delay("quarterly")
    runs = wait_for(lambda: len(done_runs()) == 2 and done_runs(), what="run 2")
    first.refresh_from_db()
    assert [r.version for r in runs] == [1, 2]
    assert not first.is_current and runs[1].is_current
    assert first.attempts == 1
    assert runs[1].figures["kpis"] == first.figures["kpis"]
