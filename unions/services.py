"""Writes to union organisations and their coverage of enterprises."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import Role, has_role, is_sub_district_staff
from core.services import audit_record, record_delete, record_save
from unions.models import UnionCoverage, UnionMembershipChange, UnionOrganisation
from workers.models import Worker


def union_membership_correct(
    *,
    user: Any,
    worker: Worker,
    is_member: bool,
    joined_on: datetime.date | None,
    union: UnionOrganisation | None = None,
    note: str = "",
) -> UnionMembershipChange:
    """A union officer corrects a worker's membership; the change is kept with who and when."""
    if not (is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER)):
        raise PermissionDenied
    if is_member and joined_on is None:
        raise ValidationError({"joined_on": gettext("会员请填写入会日期。")})
    if joined_on is not None and joined_on > timezone.localdate():
        raise ValidationError({"joined_on": gettext("入会日期不能晚于今天。")})
    if not is_member:
        joined_on, union = None, None
    with transaction.atomic():
        locked = Worker.objects.select_for_update().get(pk=worker.pk)
        locked.is_union_member = is_member
        locked.union_joined_on = joined_on
        # A correction replaces a wrong state: no membership period is left behind.
        locked.union_left_on = None
        locked.save(
            update_fields=["is_union_member", "union_joined_on", "union_left_on", "updated_at"]
        )
        change = UnionMembershipChange.objects.create(
            worker=locked,
            is_member=is_member,
            joined_on=joined_on,
            union=union,
            source=UnionMembershipChange.Source.CORRECTION,
            note=note,
            changed_by=user,
        )
        audit_record(
            actor=user,
            action="union.membership.corrected",
            target=locked,
            is_member=is_member,
            joined_on=joined_on.isoformat() if joined_on else None,
        )
    return change


def union_organisation_save(*, user: Any, union: UnionOrganisation) -> UnionOrganisation:
    """Add or change a union organisation (staff and union officers, core.roles)."""
    record_save(actor=user, instance=union, action="unions.organisation.saved")
    return union


def union_organisation_delete(*, user: Any, union: UnionOrganisation) -> None:
    """Delete a union organisation; its coverage rows go with it (listed in the audit row)."""
    record_delete(actor=user, instance=union, action="unions.organisation.deleted")


def union_coverage_save(*, user: Any, coverage: UnionCoverage) -> UnionCoverage:
    """Add or change which enterprise a union covers and when. One open coverage per union and
    enterprise, ending on or after it starts (the model's constraints); who registered it is
    the acting user and stays so."""
    if coverage.pk is None:
        coverage.created_by = user
    record_save(actor=user, instance=coverage, action="unions.coverage.saved")
    return coverage


def union_coverage_delete(*, user: Any, coverage: UnionCoverage) -> None:
    """Remove a coverage entered by mistake; an enterprise that left a joint union keeps its
    row with an end date instead (DOMAIN.md: figures as of a date)."""
    record_delete(actor=user, instance=coverage, action="unions.coverage.deleted")
