"""What HR, staff and union officers find about democratic management on the home page
(core.home)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compliance.selectors import democratic_records_pending
from core.home import HomeItem, register_home_section
from core.roles import Role, has_role, is_sub_district_staff


def pending_confirmations(user: Any) -> int:
    """Democratic-management records HR entered that staff have not confirmed, among those the
    user may see (the pending list's selector): 职代会, 厂务公开 and wage contracts in one query."""
    parts = [
        queryset.select_related(None).order_by().values("pk")
        for queryset in democratic_records_pending(user).values()
    ]
    first, *rest = parts
    return first.union(*rest, all=True).count()


def home_items(user: Any) -> list[HomeItem] | None:
    if is_sub_district_staff(user):
        return [
            HomeItem(
                title=gettext("民主管理待确认"),
                url=reverse("compliance:pending"),
                description=gettext(
                    "企业填报的职代会、厂务公开和工资集体协商记录，确认后计入统计。"
                ),
                count=pending_confirmations(user),
                count_label=gettext("条待确认"),
                urgent=True,
            ),
            HomeItem(
                title=gettext("企业民主管理记录"),
                url=reverse("compliance:home"),
                description=gettext("按企业查看和录入民主管理记录。"),
            ),
        ]
    if has_role(user, Role.HR):
        return [
            HomeItem(
                title=gettext("民主管理"),
                url=reverse("compliance:home"),
                description=gettext("填报本企业的职代会、厂务公开和工资集体协商记录。"),
                count=pending_confirmations(user),
                count_label=gettext("条待街道确认"),
            )
        ]
    if has_role(user, Role.UNION_OFFICER):
        return [
            HomeItem(
                title=gettext("民主管理待确认"),
                url=reverse("compliance:pending"),
                description=gettext("企业已填报、街道尚未确认的民主管理记录（只读）。"),
                count=pending_confirmations(user),
                count_label=gettext("条待确认"),
            ),
            HomeItem(
                title=gettext("企业民主管理记录"),
                url=reverse("compliance:home"),
                description=gettext("查看各企业的职代会、厂务公开和工资集体协商记录。"),
            ),
        ]
    return None


def register() -> None:
    register_home_section("compliance", title=_("民主管理"), items=home_items, order=50)
