"""Writes to workers and their employments."""

from typing import Any

from django.core.exceptions import PermissionDenied

from core.imports.engine import ImportResult
from core.models import ImportRecord
from core.services import (
    import_execute,
    import_record_apply_start,
    import_record_retry,
    import_upload_start,
)
from enterprises.models import Enterprise
from workers.importers import RosterImporter
from workers.selectors import roster_enterprises_for


def roster_import(
    *,
    user: Any,
    enterprise: Enterprise,
    filename: str,
    content: bytes,
    dry_run: bool,
    confirm_departures: bool = False,
    source: str = "web",
) -> tuple[ImportResult, ImportRecord | None]:
    """Apply an enterprise's full roster, all-or-nothing (DOMAIN.md).

    The upload belongs to `enterprise` whatever the file says: callers pass the enterprise the
    user may act for, never one read from the file.
    """
    return import_execute(
        kind=ImportRecord.Kind.ROSTER,
        importer=RosterImporter(
            enterprise=enterprise, confirm_departures=confirm_departures, actor=user
        ),
        user=user,
        filename=filename,
        content=content,
        dry_run=dry_run,
        enterprise=enterprise,
        source=source,
    )


def roster_upload_preview(
    *, user: Any, enterprise: Enterprise, filename: str, content: bytes
) -> ImportRecord:
    """Keep an HR upload and check it against the enterprise's roster; nothing else changes.

    The enterprise is the one the page belongs to (and the user may act for), never one read
    from the file.
    """
    if not _may_act_for(user, enterprise.pk):
        raise PermissionDenied
    return import_upload_start(
        kind=ImportRecord.Kind.ROSTER,
        user=user,
        filename=filename,
        content=content,
        enterprise=enterprise,
    )


def roster_upload_apply(
    *, user: Any, record: ImportRecord, confirm_departures: bool = False
) -> ImportRecord:
    """Apply a clean preview the user confirmed (with the second confirmation when DOMAIN.md's
    departure limit is passed)."""
    if not _may_act_for(user, record.enterprise_id):
        raise PermissionDenied
    return import_record_apply_start(
        record=record, user=user, confirm_departures=confirm_departures
    )


def roster_upload_retry(*, user: Any, record: ImportRecord) -> ImportRecord:
    if not _may_act_for(user, record.enterprise_id):
        raise PermissionDenied
    return import_record_retry(record=record, user=user)


def _may_act_for(user: Any, enterprise_id: int | None) -> bool:
    """HR for their own enterprises, staff for any (roster_enterprises_for)."""
    return (
        enterprise_id is not None and roster_enterprises_for(user).filter(pk=enterprise_id).exists()
    )
