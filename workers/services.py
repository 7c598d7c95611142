"""Writes to workers and their employments."""

from typing import Any

from core.imports.engine import ImportResult, run_import
from core.models import ImportRecord
from core.services import import_record_create, import_record_finish
from enterprises.models import Enterprise
from workers.importers import RosterImporter


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
    """Apply an enterprise's full roster, all-or-nothing (DOMAIN.md); a dry run writes nothing.

    The upload belongs to `enterprise` whatever the file says: callers pass the enterprise the
    user may act for, never one read from the file.
    """
    record = None
    if not dry_run:
        record = import_record_create(
            kind=ImportRecord.Kind.ROSTER,
            user=user,
            filename=filename,
            content=content,
            enterprise=enterprise,
            source=source,
        )
    importer = RosterImporter(enterprise=enterprise, confirm_departures=confirm_departures)
    result = run_import(importer, content, filename=filename, dry_run=dry_run)
    if record is not None:
        import_record_finish(record=record, result=result, actor=user)
    return result, record
