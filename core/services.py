"""Writes every app shares: the audit log."""

from typing import Any

from django.db import models

from core.models import AuditLog


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
