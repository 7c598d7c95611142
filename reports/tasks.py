"""Periodic reports in Celery: thin, by id (no personal data in arguments or results)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports.models import ReportRun
from reports.selectors import last_complete_period
from reports.services import report_build, report_figures_warm, report_request, reports_sweep


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    ignore_result=True,
)
def report_build_task(run_id: int) -> None:
    report_build(run_id=run_id)


@shared_task(ignore_result=True)
def report_scheduled_task(kind: str = ReportRun.Kind.QUARTERLY) -> int:
    """Run by celery beat: the report of the period that has just ended."""
    return report_request(kind=kind, period=str(last_complete_period(kind))).pk


@shared_task(ignore_result=True)
def reports_sweep_task() -> int:
    """Run by celery beat every minute: requests the broker never took are sent again."""
    return reports_sweep()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def report_figures_warm_task() -> None:
    """After a write to a table the report figures read (reports.cache): compute what the
    officials' page shows into the cache, so the next official to open it does not wait."""
    report_figures_warm()
