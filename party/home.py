"""What union officers and staff find about party organisation on the home page (core.home)."""

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
            title=gettext("党组织覆盖"),
            url=reverse("party:organisation"),
            description=gettext("党组织覆盖情况，本季度未开展三会一课或主题党日的支部。"),
        )
    ]


def register() -> None:
    register_home_section("party", title=_("党建"), items=home_items, order=40)
