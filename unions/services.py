"""Writes to union organisations and their coverage of enterprises."""

from typing import Any

from core.imports.engine import ImportResult
from core.models import ImportRecord
from core.services import import_execute
from unions.importers import UnionImporter


def union_organisations_import(
    *, user: Any, filename: str, content: bytes, dry_run: bool, source: str = "web"
) -> tuple[ImportResult, ImportRecord | None]:
    """Load 工会组织 with their current coverage, all-or-nothing; coverage that a union no longer
    lists is ended, never deleted (INTERFACES.md, DOMAIN.md)."""
    return import_execute(
        kind=ImportRecord.Kind.UNIONS,
        importer=UnionImporter(user=user),
        user=user,
        filename=filename,
        content=content,
        dry_run=dry_run,
        source=source,
    )
