"""Uploads checked and applied in the background (large files); thin, by record id."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from imports.services import (
    import_annotated_sweep,
    import_originals_purge,
    import_previews_expire,
    import_record_annotated_build,
    import_record_apply,
    import_record_validate,
    import_uploads_sweep,
)

# acks_late and reject_on_worker_lost (settings) redeliver the message if a worker dies; the
# services claim the record first, so a repeated delivery never applies an upload twice.
_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


# Names pinned: they were registered under core.tasks, and queued messages and the stored
# beat schedule (core 0004) name them so.
# No result is kept: the page reads progress from the record and the cache, and sending a task
# whose result is kept would first subscribe to the result backend (Redis) in the request.
@shared_task(name="core.tasks.import_validate_task", ignore_result=True, **_RETRY)
def import_validate_task(record_id: int) -> None:
    import_record_validate(record_id=record_id)
    # Row errors: this worker builds the 错误说明 file now, so no page request ever does. A
    # redelivery after a crash checks nothing again and finishes the file.
    import_record_annotated_build(record_id=record_id)


@shared_task(name="imports.tasks.import_annotated_build_task", ignore_result=True, **_RETRY)
def import_annotated_build_task(record_id: int) -> None:
    """A 错误说明 file queued again: its first build was lost (import_annotated_send)."""
    import_record_annotated_build(record_id=record_id)


@shared_task(name="core.tasks.import_apply_task", ignore_result=True, **_RETRY)
def import_apply_task(record_id: int) -> None:
    import_record_apply(record_id=record_id)


@shared_task(name="core.tasks.import_previews_expire_task", **_RETRY)
def import_previews_expire_task(days: int = 7) -> int:
    """Run daily by celery beat (schedule editable in the admin: 周期任务)."""
    return import_previews_expire(older_than=datetime.timedelta(days=days))


@shared_task(name="imports.tasks.import_originals_purge_task", **_RETRY)
def import_originals_purge_task() -> int:
    """Run daily by celery beat: originals past the retention period staff set are deleted."""
    return import_originals_purge()


@shared_task(name="imports.tasks.import_uploads_sweep_task", ignore_result=True)
def import_uploads_sweep_task() -> int:
    """Run by celery beat every minute: uploads the broker never took are sent again, and
    错误说明 files whose build was lost are queued again."""
    return import_uploads_sweep() + import_annotated_sweep()
