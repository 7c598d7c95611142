"""Writes to the enterprise register."""

from typing import Any

from core.imports.engine import ImportResult
from core.models import ImportRecord
from core.services import import_execute
from enterprises.importers import EnterpriseImporter


def enterprise_register_import(
    *, user: Any, filename: str, content: bytes, dry_run: bool, source: str = "web"
) -> tuple[ImportResult, ImportRecord | None]:
    """Load the statistics office's register, all-or-nothing (DOMAIN.md)."""
    return import_execute(
        kind=ImportRecord.Kind.ENTERPRISES,
        importer=EnterpriseImporter(),
        user=user,
        filename=filename,
        content=content,
        dry_run=dry_run,
        source=source,
    )
