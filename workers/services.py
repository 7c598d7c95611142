"""Writes of workers and their employments made by hand (the admin); roster uploads write in
bulk through workers.importers."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.identity import mask_id_number, mask_phone
from core.models import PersonalDataAccess
from core.services import personal_data_access_record, record_delete, record_save
from enterprises.selectors import enterprises_acted_for
from workers.models import Employment, RecordSource, SkillCertificate, Worker, WorkerTransfer
from workers.rules import hire_date_error
from workers.selectors import worker_transfers_visible_to, workers_visible_to
from workers.signals import membership_changed

# Membership follows the person (一次入会、动态接转, DOMAIN.md) and each change of it is kept
# with who made it: a roster upload, or the union officers' correction page (unions app).
MEMBERSHIP_FIELDS = ("is_union_member", "union_joined_on", "union_left_on")
# Personal data (PIPL): the audit row says these changed, not what they hold. A birth date
# with a masked ID number gives the whole number (DOMAIN.md), so it is hidden too.
PERSONAL_FIELDS = ("id_number", "phone", "birth_date")


# How the personal-data access log keeps a changed value: masked, never whole (issue 12).
_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def worker_save(*, user: Any, worker: Worker) -> Worker:
    """Add or change a worker's own data (name, ID number, political status, skill level…).
    Union membership is not changed here: the union membership correction keeps its history.
    A new or changed ID number or phone is logged (PersonalDataAccess, masked values)."""
    with transaction.atomic():
        if worker.pk is None:
            stored = {
                name: Worker._meta.get_field(name).get_default() for name in MEMBERSHIP_FIELDS
            }
            stored.update(dict.fromkeys(_MASKS, ""))
        else:
            found = (
                workers_visible_to(user)
                .select_for_update()
                .filter(pk=worker.pk)
                .values(*MEMBERSHIP_FIELDS, *_MASKS)
                .first()
            )
            if found is None:
                raise PermissionDenied
            stored = found
        if any(getattr(worker, name) != stored[name] for name in MEMBERSHIP_FIELDS):
            raise ValidationError(gettext("工会会员信息请在工会会员页更正，每次更正都会留下记录。"))
        changes = record_save(
            actor=user, instance=worker, action="workers.worker.saved", hidden=PERSONAL_FIELDS
        )
        personal = {
            name: [mask(stored[name]), mask(getattr(worker, name))]
            for name, mask in _MASKS.items()
            if name in changes
        }
        if personal:
            personal_data_access_record(
                actor=user,
                action=PersonalDataAccess.Action.CHANGE,
                object_type=Worker,
                object_id=worker.pk,
                detail={"changed": personal},
            )
    return worker


def worker_delete(*, user: Any, worker: Worker) -> None:
    """Delete a worker entered by mistake; one with employments or other records is kept (a
    departure is dated, never deleted: DOMAIN.md)."""
    if not workers_visible_to(user).filter(pk=worker.pk).exists():
        raise PermissionDenied
    record_delete(
        actor=user, instance=worker, action="workers.worker.deleted", hidden=PERSONAL_FIELDS
    )


def _check_hire_date(employment: Employment) -> None:
    """The roster's rules for a 入职日期 (workers.rules), in the admin too."""
    if employment.hire_date is None or employment.worker_id is None:
        return  # full_clean reports the missing field
    birth = Worker.objects.filter(pk=employment.worker_id).values_list("birth_date", flat=True)[0]
    error = hire_date_error(employment.hire_date, birth=birth, today=timezone.localdate())
    if error is not None:
        raise ValidationError({"hire_date": error})


def employment_save(*, user: Any, employment: Employment) -> Employment:
    """Add or change an employment at an enterprise the user acts for (staff: any, HR: their
    own). One open employment per worker and enterprise; departure not before hire."""
    if not enterprises_acted_for(user).filter(pk=employment.enterprise_id).exists():
        raise PermissionDenied
    _check_hire_date(employment)
    record_save(actor=user, instance=employment, action="workers.employment.saved")
    return employment


def employment_delete(*, user: Any, employment: Employment) -> None:
    """Delete an employment entered by mistake; a worker who left keeps it with a departure
    date (DOMAIN.md: employment keeps its history)."""
    if not enterprises_acted_for(user).filter(pk=employment.enterprise_id).exists():
        raise PermissionDenied
    record_delete(actor=user, instance=employment, action="workers.employment.deleted")


# Transfer requests (调动申请): a roster naming a person whom another enterprise employs
# opens the employment but leaves their identity data alone; staff decide (issue 12).


def _pending_transfer(user: Any, transfer: WorkerTransfer) -> WorkerTransfer:
    """The request, locked, for a user who may decide it (staff); decided ones stay decided."""
    found = (
        worker_transfers_visible_to(user)
        .select_for_update(of=("self",))
        .filter(pk=transfer.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied
    if found.status != WorkerTransfer.Status.PENDING:
        raise ValidationError(
            gettext("%(worker)s的调动申请已处理（%(status)s），不能再次处理。")
            % {"worker": found.worker.name, "status": found.get_status_display()}
        )
    return found


def _decide(*, user: Any, transfer: WorkerTransfer, status: str, note: str) -> None:
    transfer.status = status
    transfer.decided_by = user
    transfer.decided_at = timezone.now()
    transfer.note = note[:200]
    record_save(actor=user, instance=transfer, action="workers.transfer.%s" % status)


def worker_transfer_confirm(
    *, user: Any, transfer: WorkerTransfer, end_previous: bool = True, note: str = ""
) -> WorkerTransfer:
    """Confirm that the person now works at the enterprise whose roster named them.

    The row's identity values (WorkerTransfer.proposed) replace the record. Membership follows
    the person (一次入会、动态接转, DOMAIN.md): a member stays one; a non-member the row lists as
    a member joins today, with the history row a roster writes. With `end_previous` (a
    transfer) the employments at the enterprises the person came from end on the day the new
    one began, or on their own hire date if that is later; without it (兼职) they stay open.
    """
    with transaction.atomic():
        transfer = _pending_transfer(user, transfer)
        if not Employment.objects.filter(
            worker_id=transfer.worker_id,
            enterprise_id=transfer.to_enterprise_id,
            departure_date__isnull=True,
        ).exists():
            # A later roster of that enterprise no longer lists the person.
            raise ValidationError(
                gettext("%(worker)s已不在“%(enterprise)s”任职，不能确认调动，请驳回。")
                % {"worker": transfer.worker.name, "enterprise": transfer.to_enterprise.name}
            )
        worker = Worker.objects.select_for_update().get(pk=transfer.worker_id)
        proposed = transfer.proposed
        for field in ("name", "political_status", "education", "skill_level", "remarks"):
            if field in proposed:
                setattr(worker, field, proposed[field])
        record_save(
            actor=user,
            instance=worker,
            action="workers.worker.saved",
            hidden=PERSONAL_FIELDS,
            transfer=transfer.pk,
        )
        if proposed.get("is_union_member") and not worker.is_union_member:
            today, now = timezone.localdate(), timezone.now()
            Worker.objects.filter(pk=worker.pk).update(
                is_union_member=True, union_joined_on=today, union_left_on=None, updated_at=now
            )
            membership_changed.send(
                sender=Worker,
                changes=[(worker.pk, True, today)],
                source="roster",
                note=transfer.to_enterprise.name[:200],
                actor_id=user.pk,
                at=now,
            )
        if end_previous:
            _end_previous_employments(user=user, transfer=transfer)
        _decide(user=user, transfer=transfer, status=WorkerTransfer.Status.CONFIRMED, note=note)
    return transfer


def _end_previous_employments(*, user: Any, transfer: WorkerTransfer) -> None:
    new_job = (
        Employment.objects.filter(
            worker_id=transfer.worker_id,
            enterprise_id=transfer.to_enterprise_id,
            departure_date__isnull=True,
        )
        .values_list("hire_date", flat=True)
        .first()
    )
    started = new_job or transfer.hire_date
    came_from = [e["id"] for e in transfer.from_enterprises if e["id"] != transfer.to_enterprise_id]
    for job in Employment.objects.select_for_update().filter(
        worker_id=transfer.worker_id, enterprise_id__in=came_from, departure_date__isnull=True
    ):
        job.departure_date = max(job.hire_date, started)
        record_save(
            actor=user, instance=job, action="workers.employment.saved", transfer=transfer.pk
        )


def worker_transfer_reject(
    *, user: Any, transfer: WorkerTransfer, remove_employment: bool = True, note: str = ""
) -> WorkerTransfer:
    """Reject a transfer request: the record stays as the current employer recorded it, and
    that employer's employment stays. With `remove_employment` the employment the roster
    opened is deleted as entered by mistake (the person does not work there), so that
    enterprise's HR no longer see the person; an employment that was open before the roster,
    or has ended since, is kept (DOMAIN.md: employment keeps its history)."""
    with transaction.atomic():
        transfer = _pending_transfer(user, transfer)
        opened = transfer.employment
        _decide(user=user, transfer=transfer, status=WorkerTransfer.Status.REJECTED, note=note)
        if remove_employment and opened is not None and opened.departure_date is None:
            record_delete(
                actor=user,
                instance=opened,
                action="workers.employment.deleted",
                transfer=transfer.pk,
            )
    return transfer


# 职业技能等级证书 entered by staff in the admin (uploads and the command have their importer).


def skill_certificate_save(*, user: Any, certificate: SkillCertificate) -> SkillCertificate:
    """Add or change a certificate. Its number is kept trimmed and upper-case and belongs to
    one worker (DOMAIN.md); its issue date is not in the future (SkillCertificate.clean). The
    worker's effective skill level follows from it (workers.skills)."""
    if certificate.pk is None and not certificate.source:
        certificate.source = RecordSource.ADMIN
    record_save(actor=user, instance=certificate, action="workers.certificate.saved")
    return certificate


def skill_certificate_delete(*, user: Any, certificate: SkillCertificate) -> None:
    """Delete a certificate entered by mistake (the worker's effective level falls back)."""
    record_delete(actor=user, instance=certificate, action="workers.certificate.deleted")
