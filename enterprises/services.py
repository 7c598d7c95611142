"""Writes to the enterprise register."""

from typing import Any

from core.imports.engine import ImportResult, run_import
from core.models import ImportRecord
from core.services import import_record_create, import_record_finish
from enterprises.importers import EnterpriseImporter


def enterprise_register_import(
    *, user: Any, filename: str, content: bytes, dry_run: bool, source: str = "web"
) -> tuple[ImportResult, ImportRecord | None]:
    """Load the statistics office's register, all-or-nothing (DOMAIN.md); dry runs write nothing."""
    record = None
    if not dry_run:
        record = import_record_create(
            kind=ImportRecord.Kind.ENTERPRISES,
            user=user,
            filename=filename,
            content=content,
            source=source,
        )
    result = run_import(EnterpriseImporter(), content, filename=filename, dry_run=dry_run)
    if record is not None:
        import_record_finish(record=record, result=result, actor=user)
    return result, record
