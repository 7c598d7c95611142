"""What HR, staff and union officers find about model workers and craftsmen on the home page
(core.home)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.home import HomeItem, register_home_section
from core.roles import Role, has_role, is_sub_district_staff
from honors.models import NominationRound


def open_rounds() -> int:
    """Rounds taking nominations today, as HR's nomination page lists them. One query."""
    return NominationRound.objects.filter(
        status=NominationRound.Status.OPEN, closes_on__gte=timezone.localdate()
    ).count()


def home_items(user: Any) -> list[HomeItem] | None:
    staff = is_sub_district_staff(user)
    hr = has_role(user, Role.HR)
    union = has_role(user, Role.UNION_OFFICER)
    if not (staff or hr or union):
        return None
    items = []
    if staff or hr:
        items.append(
            HomeItem(
                title=gettext("劳模推荐"),
                url=reverse("honors:nominations"),
                description=gettext("在推评期内推荐本企业的劳动模范、工匠人选，查看推荐进度。"),
                count=open_rounds(),
                count_label=gettext("个推评正在接受推荐"),
                urgent=hr,
            )
        )
    items.append(
        HomeItem(
            title=gettext("推评与公示"),
            url=reverse("honors:rounds"),
            description=(
                gettext("开设推评、审核推荐、公示和批准。")
                if staff
                else gettext("正在公示和已批准的推评名单。")
            ),
        )
    )
    if staff or union:
        items.append(
            HomeItem(
                title=gettext("工匠库"),
                url=reverse("honors:craftsmen"),
                description=gettext("按条件入库的工匠人选及入库理由。"),
            )
        )
    items.append(
        HomeItem(
            title=gettext("创新工作室"),
            url=reverse("honors:studios"),
            description=gettext("劳模工匠创新工作室及其年度成果。"),
        )
    )
    return items


def register() -> None:
    register_home_section("honors", title=_("劳模工匠"), items=home_items, order=60)
