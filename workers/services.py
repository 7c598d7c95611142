"""Writes to workers and their employments."""

from typing import Any

from core.imports.engine import ImportResult
from core.models import ImportRecord
from core.services import import_execute
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
    """Apply an enterprise's full roster, all-or-nothing (DOMAIN.md).

    The upload belongs to `enterprise` whatever the file says: callers pass the enterprise the
    user may act for, never one read from the file.
    """
    return import_execute(
        kind=ImportRecord.Kind.ROSTER,
        importer=RosterImporter(enterprise=enterprise, confirm_departures=confirm_departures),
        user=user,
        filename=filename,
        content=content,
        dry_run=dry_run,
        enterprise=enterprise,
        source=source,
    )
