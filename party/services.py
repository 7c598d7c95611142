"""Writes of party branches, their members and activities, and of worker representatives."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core.services import record_delete, record_save
from enterprises.models import Enterprise
from party.models import PartyActivity, PartyBranch, PartyBranchMember, WorkerRepresentative


def party_branch_save(
    *, user: Any, branch: PartyBranch, enterprises: Iterable[Enterprise] | None = None
) -> PartyBranch:
    """Add or change a branch and the enterprises it serves (`None`: leave them as they are).
    A branch of its own (单独组建) serves one enterprise; one serving several is a joint
    branch (联合组建, seed measure 1)."""
    with transaction.atomic():
        if enterprises is not None:
            enterprises = list(enterprises)
            served = len(enterprises)
        else:
            served = branch.enterprises.count() if branch.pk else 0
        if branch.kind == PartyBranch.Kind.SINGLE and served > 1:
            raise ValidationError(
                {
                    "enterprises": gettext(
                        "单独组建的党组织只服务一家企业；服务多家企业的请选择“联合组建”。"
                    )
                }
            )
        record_save(
            actor=user,
            instance=branch,
            action="party.branch.saved",
            m2m=None if enterprises is None else {"enterprises": enterprises},
        )
    return branch


def party_branch_delete(*, user: Any, branch: PartyBranch) -> None:
    """Delete a branch entered by mistake; its members and activities go with it (the audit
    row counts them)."""
    record_delete(actor=user, instance=branch, action="party.branch.deleted")


def party_branch_member_save(*, user: Any, membership: PartyBranchMember) -> PartyBranchMember:
    """Add or change a worker's membership of a branch. Only a 中共党员 or 中共预备党员 may
    become an open member; closing one (a 转出 date) is always allowed (PartyBranchMember.clean,
    DOMAIN.md: 政治面貌). One open membership per branch and worker."""
    record_save(actor=user, instance=membership, action="party.member.saved")
    return membership


def party_branch_member_delete(*, user: Any, membership: PartyBranchMember) -> None:
    """Remove a membership entered by mistake; a member who left keeps the row with a 转出
    date instead."""
    record_delete(actor=user, instance=membership, action="party.member.deleted")


def party_activity_save(*, user: Any, activity: PartyActivity) -> PartyActivity:
    """Log a branch's 三会一课 or 主题党日 (seed measure 1)."""
    record_save(actor=user, instance=activity, action="party.activity.saved")
    return activity


def party_activity_delete(*, user: Any, activity: PartyActivity) -> None:
    record_delete(actor=user, instance=activity, action="party.activity.deleted")


def worker_representative_save(
    *, user: Any, representative: WorkerRepresentative
) -> WorkerRepresentative:
    """Add or change a worker's post as a representative; the term ends on or after it starts
    (seed measure 9)."""
    record_save(actor=user, instance=representative, action="party.representative.saved")
    return representative


def worker_representative_delete(*, user: Any, representative: WorkerRepresentative) -> None:
    record_delete(actor=user, instance=representative, action="party.representative.deleted")
