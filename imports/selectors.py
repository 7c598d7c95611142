"""Reads of import records: the uploads a user may see for a data set, and how far one is."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from imports import registry
from imports.models import ImportRecord

_PROGRESS_KEY = "import-progress:%d:%d"


def progress_key(record: ImportRecord) -> str:
    # The creation time keeps a recreated database's reused ids from reading old entries.
    return _PROGRESS_KEY % (record.pk, record.created_at.timestamp() * 1000)


def import_progress(record: ImportRecord) -> dict[str, Any]:
    """Where a running upload is: stage, percent and when its task last showed life. Read
    from the record and the cache (a miss when Redis is down), never from Celery's results."""
    state = cache.get(progress_key(record)) or {}
    last = max(state.get("at", 0.0), record.updated_at.timestamp())
    stalled = record.in_progress and time.time() - last > settings.IMPORT_STALL_SECONDS
    # Sent to no worker yet: the broker was down; the sweeper sends it when it is back.
    waiting = record.in_progress and record.sent_at is None and record.attempts == 0
    return {
        "status": record.status,
        "status_label": record.get_status_display(),
        "in_progress": record.in_progress,
        "waiting": waiting,
        "stalled": stalled,
        "percent": 100 if not record.in_progress else int(state.get("percent", 0)),
        "stage": state.get("stage", ""),
        "annotated": _annotated_state(record),
    }


def _annotated_state(record: ImportRecord) -> str:
    """What the page offers of the 错误说明 file: "ready" (a link; a small upload's is built
    on that download), "building" (the worker builds it: wait), "unusable", or "none" (no row
    errors, or the original was deleted)."""
    if record.status != ImportRecord.Status.INVALID or not record.file:
        return "none"
    if record.annotated == ImportRecord.Annotated.QUEUED:
        return "building"
    if record.annotated == ImportRecord.Annotated.UNUSABLE:
        return "unusable"
    return "ready"


def upload_enterprises_for(user: Any, kind: str) -> QuerySet[Any] | None:
    """The enterprises `user` may upload `kind` for (the data set's own rule: HR their own,
    staff any); None for a data set that is not uploaded per enterprise."""
    registration = registry.get(kind)
    if registration.enterprises_for is None:
        return None
    return registration.enterprises_for(user)


def uploads_visible_to(user: Any, kind: str) -> QuerySet[ImportRecord]:
    """Uploads of `kind` for the enterprises the user may upload it for, newest first."""
    enterprises = upload_enterprises_for(user, kind)
    if enterprises is None:
        return ImportRecord.objects.none()
    return (
        ImportRecord.objects.filter(kind=kind, enterprise__in=enterprises)
        .select_related("enterprise", "uploaded_by", "applied_by")
        .order_by("-created_at", "-pk")
    )


def upload_detail(*, user: Any, kind: str, pk: int) -> ImportRecord:
    """Raises ImportRecord.DoesNotExist for an upload the user may not see: no access looks
    like none."""
    return uploads_visible_to(user, kind).get(pk=pk)
