"""Every query that returns workers goes through here and is scoped by the requesting user."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from core.roles import Role, has_role, is_sub_district_staff
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for
from workers.figures import figures_cached
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


def employment_rows_by_enterprise(*, departed: bool) -> list[tuple[list[int], int]]:
    """Every employment (current ones only unless `departed`) counted per enterprise, as the
    worker list orders them: enterprises by name, those of the same name together, as
    [(enterprise ids, rows)], enterprises without rows left out. For users who see every
    employment (staff, union officers); kept under the worker figures' version, which every
    write to employments, workers and enterprises moves."""

    def count() -> list[tuple[list[int], int]]:
        rows = Employment.objects.all()
        if not departed:
            rows = rows.filter(departure_date__isnull=True)
        per_enterprise = dict(
            rows.order_by()
            .values("enterprise_id")
            .annotate(n=Count("pk"))
            .values_list("enterprise_id", "n")
        )
        buckets: list[tuple[list[int], int]] = []
        last_name = None
        for pk, name in Enterprise.objects.order_by("name", "pk").values_list("pk", "name"):
            rows_here = per_enterprise.get(pk, 0)
            if not rows_here:
                continue
            if buckets and name == last_name:
                buckets[-1][0].append(pk)
                buckets[-1] = (buckets[-1][0], buckets[-1][1] + rows_here)
            else:
                buckets.append(([pk], rows_here))
            last_name = name
        return buckets

    return figures_cached("workers:list-rows:%s" % ("all" if departed else "current"), count)


class RowsByEnterprise:
    """A worker list (employments ordered by enterprise name, then worker name) that a
    paginator slices through per-enterprise counts (`employment_rows_by_enterprise`): a page
    reads the rows of the one or two enterprises it falls in, not a sort of every employment
    (100,000 in a sub-district, 10,000,000 in a province). The same rows, in the same order,
    as slicing `employments` itself."""

    def __init__(self, employments: QuerySet[Employment], buckets: list[tuple[list[int], int]]):
        self.employments = employments
        self.buckets = buckets

    def count(self) -> int:
        return sum(rows for _ids, rows in self.buckets)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Employment]:
        start, stop = window.start or 0, window.stop
        ids: list[int] = []
        first = None  # rows before the first enterprise the window falls in
        seen = 0
        for bucket_ids, rows in self.buckets:
            if seen + rows > start and (stop is None or seen < stop):
                if first is None:
                    first = seen
                ids.extend(bucket_ids)
            seen += rows
        if first is None:
            return []
        stop_here = None if stop is None else stop - first
        return list(self.employments.filter(enterprise_id__in=ids)[start - first : stop_here])
