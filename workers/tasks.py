"""Background work of the workers app; thin, by date."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from workers.figures import figures_warm


# The name it had in the unions app, so queued messages still resolve.
@shared_task(
    name="unions.tasks.figures_warm_task",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def figures_warm_task() -> None:
    """After workers, employments or enterprises changed: compute today's figures into the
    cache, so the next union officer or official opening the dashboard does not wait."""
    figures_warm(timezone.localdate())
