"""Writes of cross-cutting records: the audit log and import records."""

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from core.imports.engine import run_import
from core.models import AuditLog, ImportRecord


def audit_record(
    *, actor: Any, action: str, target: models.Model | None = None, **detail: Any
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        detail=detail,
    )


def import_record_create(
    *,
    kind: str,
    user: Any,
    filename: str,
    content: bytes,
    enterprise: Any = None,
    source: str = "web",
) -> ImportRecord:
    """Keep the uploaded file and who sent it before any reading starts (STYLE.md rule 4)."""
    record = ImportRecord(
        kind=kind,
        enterprise=enterprise,
        uploaded_by=user if getattr(user, "pk", None) else None,
        source=source,
        original_name=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    record.file.save(filename, ContentFile(content), save=False)
    record.save()
    return record


def import_record_finish(*, record: ImportRecord, result: Any, actor: Any) -> ImportRecord:
    if result.applied:
        record.status = ImportRecord.Status.APPLIED
    elif result.exit_code == 2:
        record.status = ImportRecord.Status.REFUSED
    elif result.errors:
        record.status = ImportRecord.Status.INVALID
    else:
        record.status = ImportRecord.Status.VALIDATED
    record.sheet_name = result.sheet_name or ""
    record.counts = result.counts
    record.errors = [issue.as_dict() for issue in result.errors]
    record.warnings = [issue.as_dict() for issue in result.warnings]
    record.finished_at = timezone.now()
    record.save()
    audit_record(
        actor=actor,
        action="import.%s.%s" % (record.kind, record.status),
        target=record,
        counts=result.counts,
    )
    return record


def import_execute(
    *,
    kind: str,
    importer: Any,
    user: Any,
    filename: str,
    content: bytes,
    dry_run: bool,
    enterprise: Any = None,
    source: str = "web",
) -> tuple[Any, ImportRecord | None]:
    """Run one import of any data set; a real run is recorded (who, file, outcome) around it,
    a dry run writes nothing at all (INTERFACES.md)."""
    record = None
    if not dry_run:
        record = import_record_create(
            kind=kind,
            user=user,
            filename=filename,
            content=content,
            enterprise=enterprise,
            source=source,
        )
    result = run_import(importer, content, filename=filename, dry_run=dry_run)
    if record is not None:
        import_record_finish(record=record, result=result, actor=user)
    return result, record
