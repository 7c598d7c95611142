"""Writes every app shares: the audit log, and the save and delete of one row with its audit
row that the apps' services build on (STYLE.md: services own every write)."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext

from core.models import AuditLog, PersonalDataAccess


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


def personal_data_access_record(
    *,
    actor: Any,
    action: str,
    object_type: str | type[models.Model] | models.Model,
    object_id: object = "",
    count: int = 1,
    detail: Mapping[str, Any] | None = None,
) -> PersonalDataAccess:
    """One row of the personal-data access log (PersonalDataAccess.Action): who saw, exported,
    downloaded or changed how many people's ID numbers and phones. `detail` must hold masked
    values only (core.identity.mask_id_number, mask_phone): the log is read by staff."""
    if not isinstance(object_type, str):
        object_type = object_type._meta.label
    return PersonalDataAccess.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        record_count=max(count, 0),
        detail=dict(detail or {}),
    )


# Timestamps Django sets itself: written on every save, never reported as a change.
def _is_timestamp(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _is_auto_now(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False))


def _audited_fields(instance: models.Model) -> list[models.Field]:
    return [
        field
        for field in instance._meta.concrete_fields
        if not field.primary_key and not _is_timestamp(field)
    ]


def _json_value(value: Any) -> Any:
    """A field value as the audit log's JSON keeps it: ids for rows, text for dates, amounts
    and files (a Decimal never passes through a float)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def _shown(name: str, value: Any, hidden: Iterable[str]) -> Any:
    return "***" if name in hidden and value not in (None, "") else _json_value(value)


def _require_permission(actor: Any, instance: models.Model, verb: str) -> None:
    """The Django permission the actor's role grants (core.roles.ROLE_PERMISSIONS)."""
    opts = instance._meta
    codename = get_permission_codename(verb, opts)
    if not (getattr(actor, "pk", None) and actor.has_perm("%s.%s" % (opts.app_label, codename))):
        raise PermissionDenied


def record_save(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
    hidden: Iterable[str] = (),
    exclude: Iterable[str] = (),
    **detail: Any,
) -> dict[str, Any]:
    """Save `instance` as `actor` with one audit row: the actor holds the model's add or change
    permission; in one transaction the stored row is locked, the instance passes `full_clean()`,
    only the changed fields are written (`update_fields`) and the audit row lists each as
    [before, after] (`hidden` fields, e.g. ID numbers, only by name). `m2m` sets many-to-many
    fields ({name: rows}); `exclude` names fields the service sets itself and `full_clean` skips.
    A save that changes nothing writes nothing. Returns the changes.

    An app's service checks its own rules, then calls this (inside a transaction of its own
    when it reads or writes more)."""
    hidden = tuple(hidden)
    adding = instance._state.adding or instance.pk is None
    _require_permission(actor, instance, "add" if adding else "change")
    model = type(instance)
    fields = _audited_fields(instance)
    with transaction.atomic():
        stored = None
        if not adding:
            stored = model._default_manager.select_for_update().filter(pk=instance.pk).first()
            if stored is None:
                raise ValidationError(gettext("该记录已被删除，请返回列表刷新后重试。"))
        instance.full_clean(exclude=list(exclude) or None)
        before = {f.name: f.value_from_object(stored) if stored else None for f in fields}
        changed = [
            field
            for field in fields
            if stored is None or before[field.name] != field.value_from_object(instance)
        ]
        if adding:
            instance.save()
        elif changed:
            instance.save(
                update_fields=[
                    *(f.name for f in changed),
                    *(f.name for f in instance._meta.concrete_fields if _is_auto_now(f)),
                ]
            )
        # Read after the save: a file's name is the stored one only then.
        changes: dict[str, Any] = {
            field.name: [
                _shown(field.name, before[field.name], hidden),
                _shown(field.name, field.value_from_object(instance), hidden),
            ]
            for field in changed
        }
        for name, rows in (m2m or {}).items():
            manager = getattr(instance, name)
            before_ids = set() if adding else set(manager.values_list("pk", flat=True))
            rows = list(rows)
            after_ids = {row.pk for row in rows}
            if before_ids != after_ids:
                manager.set(rows)
                changes[name] = [sorted(before_ids), sorted(after_ids)]
        if changes:
            audit_record(
                actor=actor,
                action=action,
                target=instance,
                created=adding,
                changed=changes,
                **detail,
            )
    return changes


def record_delete(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    hidden: Iterable[str] = (),
    **detail: Any,
) -> None:
    """Delete `instance` as `actor` (who holds the model's delete permission) with one audit
    row keeping what the row held and what went with it (cascades), in one transaction. A row
    other records still point to is refused with a Chinese message, and nothing is deleted."""
    hidden = tuple(hidden)
    _require_permission(actor, instance, "delete")
    model = type(instance)
    try:
        with transaction.atomic():
            stored = model._default_manager.select_for_update().filter(pk=instance.pk).first()
            if stored is None:
                return  # already gone: deleting twice is the same as once
            values = {
                field.name: _shown(field.name, field.value_from_object(stored), hidden)
                for field in _audited_fields(stored)
            }
            _count, deleted = stored.delete()
            cascaded = {
                label: n for label, n in deleted.items() if n and label != model._meta.label
            }
            audit_record(
                actor=actor,
                action=action,
                target=instance,
                deleted=values,
                cascaded=cascaded,
                **detail,
            )
    except (ProtectedError, RestrictedError) as error:
        related = sorted({str(obj._meta.verbose_name) for obj in _blocking(error)})
        raise ValidationError(
            gettext("“%(object)s”仍有关联的%(related)s，不能删除。")
            % {"object": instance, "related": "、".join(related)}
        ) from error
    instance.pk = None


def _blocking(error: ProtectedError | RestrictedError) -> Iterable[models.Model]:
    return (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
