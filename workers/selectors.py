"""Every query that returns workers goes through here and is scoped by the requesting user."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.roles import Role, has_role, is_sub_district_staff
from enterprises.selectors import enterprises_acted_for
from workers.models import Employment, SkillCertificate, Worker, WorkerTransfer

# How much of a worker's personal data (ID number, phone, birth date) a user is shown.
PERSONAL_FULL = "full"  # the whole ID number, phone and birth date
PERSONAL_MASKED = "masked"  # a masked ID number (never with the birth date)
PERSONAL_NONE = "none"  # nothing: union officers and officials (DOMAIN.md)
# Staff hold it (core.roles gives them every permission of the project's apps).
FULL_ID_PERMISSION = "workers.view_full_id_number"


def employments_visible_to(user: Any) -> QuerySet[Employment]:
    """HR see employments at their own enterprises only, never a transferred worker's other ones."""
    queryset = Employment.objects.select_related("worker", "enterprise")
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return queryset
    if has_role(user, Role.HR):
        return queryset.filter(enterprise__hr_users=user)
    return queryset.none()


def workers_visible_to(user: Any) -> QuerySet[Worker]:
    """Staff and union officers see every worker; HR those ever employed by their enterprises;
    officials none (aggregate figures only, DOMAIN.md)."""
    queryset = Worker.objects.all()
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return queryset
    if has_role(user, Role.HR):
        return queryset.filter(
            Exists(Employment.objects.filter(worker=OuterRef("pk"), enterprise__hr_users=user))
        )
    return queryset.none()


def worker_detail(*, user: Any, pk: int) -> Worker:
    """Raises Worker.DoesNotExist for a worker the user may not see: no access looks like none."""
    return workers_visible_to(user).get(pk=pk)


def employed_by_hr_today(user: Any) -> Exists:
    """For a queryset of workers: employed today by one of the HR user's enterprises (an
    employment active today), the only workers whose personal data HR see in full. An
    employment a roster opened for a person another enterprise employs does not count while
    its transfer waits for staff (WorkerTransfer): typing someone's ID number into a roster
    must not show the phone their employer recorded."""
    pending = WorkerTransfer.objects.filter(
        worker=OuterRef("worker"),
        to_enterprise=OuterRef("enterprise"),
        status=WorkerTransfer.Status.PENDING,
    )
    return Exists(
        Employment.objects.active_on(timezone.localdate())
        .filter(worker=OuterRef("pk"), enterprise__hr_users=user)
        .exclude(Exists(pending))
    )


def worker_personal_view(user: Any, worker: Worker, *, reveal: bool = False) -> str:
    """PERSONAL_FULL, PERSONAL_MASKED or PERSONAL_NONE for `worker` (already visible to `user`).

    Issue 12: staff see a masked ID number until they unmask one worker on purpose (`reveal`,
    with the view_full_id_number permission; logged by the caller); HR see their current
    employees in full and their former employees masked, without phone (a re-hired worker's
    current phone never reaches the former employer); union officers and officials see none.
    """
    if is_sub_district_staff(user):
        if reveal and user.has_perm(FULL_ID_PERMISSION):
            return PERSONAL_FULL
        return PERSONAL_MASKED
    if has_role(user, Role.HR):
        current = Worker.objects.filter(pk=worker.pk).filter(employed_by_hr_today(user)).exists()
        return PERSONAL_FULL if current else PERSONAL_MASKED
    return PERSONAL_NONE


def personal_data_visible(user: Any, worker: Worker, *, reveal: bool = False) -> bool:
    """The worker's full ID number and phone may be shown to `user` (worker_personal_view)."""
    return worker_personal_view(user, worker, reveal=reveal) == PERSONAL_FULL


def worker_transfers_visible_to(user: Any) -> QuerySet[WorkerTransfer]:
    """Transfer requests (调动申请) are the sub-district staff's to decide; nobody else sees
    them, so an HR user never learns which enterprise employs a person."""
    queryset = WorkerTransfer.objects.select_related(
        "worker", "to_enterprise", "requested_by", "decided_by"
    )
    if is_sub_district_staff(user):
        return queryset
    return queryset.none()


def certificates_of_current_workers(user: Any, enterprise: Any) -> QuerySet[SkillCertificate]:
    """The certificates of the workers `enterprise` employs today, for a user who acts for it
    (HR their own enterprises, staff any; nobody else): the workers whose details its HR see
    (an employment whose transfer still waits for staff does not count, as in
    `employed_by_hr_today`). Certificates follow the person, whoever uploaded them."""
    pending = WorkerTransfer.objects.filter(
        worker=OuterRef("worker"),
        to_enterprise=OuterRef("enterprise"),
        status=WorkerTransfer.Status.PENDING,
    )
    employed = (
        Employment.objects.active_on(timezone.localdate())
        .filter(
            worker=OuterRef("worker"),
            enterprise=enterprise,
            enterprise__in=enterprises_acted_for(user),
        )
        .exclude(Exists(pending))
    )
    return SkillCertificate.objects.filter(Exists(employed)).select_related("worker")
