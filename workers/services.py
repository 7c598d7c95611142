"""Writes of workers and their employments made by hand (the admin); roster uploads write in
bulk through workers.importers."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.services import record_delete, record_save
from enterprises.selectors import enterprises_acted_for
from workers.models import Employment, Worker
from workers.rules import hire_date_error
from workers.selectors import workers_visible_to

# Membership follows the person (一次入会、动态接转, DOMAIN.md) and each change of it is kept
# with who made it: a roster upload, or the union officers' correction page (unions app).
MEMBERSHIP_FIELDS = ("is_union_member", "union_joined_on", "union_left_on")
# Personal data (PIPL): the audit row says these changed, not what they hold. A birth date
# with a masked ID number gives the whole number (DOMAIN.md), so it is hidden too.
PERSONAL_FIELDS = ("id_number", "phone", "birth_date")


def worker_save(*, user: Any, worker: Worker) -> Worker:
    """Add or change a worker's own data (name, ID number, political status, skill level…).
    Union membership is not changed here: the union membership correction keeps its history."""
    with transaction.atomic():
        if worker.pk is None:
            stored = {
                name: Worker._meta.get_field(name).get_default() for name in MEMBERSHIP_FIELDS
            }
        else:
            found = (
                workers_visible_to(user)
                .select_for_update()
                .filter(pk=worker.pk)
                .values(*MEMBERSHIP_FIELDS)
                .first()
            )
            if found is None:
                raise PermissionDenied
            stored = found
        if any(getattr(worker, name) != stored[name] for name in MEMBERSHIP_FIELDS):
            raise ValidationError(gettext("工会会员信息请在工会会员页更正，每次更正都会留下记录。"))
        record_save(
            actor=user, instance=worker, action="workers.worker.saved", hidden=PERSONAL_FIELDS
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
