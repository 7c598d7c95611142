"""What union officers and staff find about union coverage on the home page (core.home)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.home import HomeItem, register_home_section
from core.roles import Role, has_role, is_sub_district_staff


def home_items(user: Any) -> list[HomeItem] | None:
    if not (is_sub_district_staff(user) or has_role(user, Role.UNION_OFFICER)):
        return None
    return [
        HomeItem(
            title=gettext("工会覆盖"),
            url=reverse("unions:dashboard"),
            description=gettext("工会组建率和入会率，按村（社区）、工业园区和规模统计。"),
        ),
        HomeItem(
            title=gettext("企业工会情况"),
            url=reverse("unions:enterprises"),
            description=gettext("每家企业是否建会、由哪个工会覆盖，可导出。"),
        ),
    ]


def register() -> None:
    register_home_section("unions", title=_("工会"), items=home_items, order=30)
