"""Every query that returns workers goes through here and is scoped by the requesting user."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from core.roles import Role, has_role, is_sub_district_staff
from workers.models import Employment, Worker


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
