"""Reads of the enterprise register, narrowed to what the requesting user may see."""

from typing import Any

from django.db.models import QuerySet

from core.roles import Role, has_role, is_sub_district_staff
from enterprises.models import Enterprise


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    """Staff and union officers see the whole register, HR their own enterprises (DOMAIN.md)."""
    queryset = Enterprise.objects.select_related("village", "park")
    if is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER):
        return queryset
    if has_role(user, Role.HR):
        return queryset.filter(hr_users=user)
    return queryset.none()


def enterprises_acted_for(user: Any) -> QuerySet[Enterprise]:
    """Enterprises the user may act for (upload a roster, declare the training fund, nominate):
    staff any, HR their own (DOMAIN.md); union officers and officials none."""
    queryset = Enterprise.objects.select_related("village", "park").order_by("name")
    if is_sub_district_staff(user):
        return queryset
    if has_role(user, Role.HR):
        return queryset.filter(hr_users=user)
    return queryset.none()
