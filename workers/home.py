"""What enterprise HR, staff and union officers find about rosters and workers on the home
page (core.home)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.home import HomeItem, register_home_section
from core.roles import Role, acts_for_enterprises, has_role, is_sub_district_staff
from imports.home import previews_to_confirm
from workers.certificate_importer import CERTIFICATES
from workers.importers import ROSTER


def home_items(user: Any) -> list[HomeItem] | None:
    items = []
    if acts_for_enterprises(user):
        previews = previews_to_confirm(user)
        items.append(
            HomeItem(
                title=gettext("花名册上传"),
                url=reverse("workers:roster_home"),
                description=gettext("下载模板或现有花名册，上传后先预览，确认无误再导入。"),
                count=previews.get(ROSTER, 0),
                count_label=gettext("份预览待确认"),
                urgent=True,
            )
        )
        items.append(
            HomeItem(
                title=gettext("技能证书"),
                url=reverse("workers:certificates_home"),
                description=gettext("上传职工的职业技能等级证书。"),
                count=previews.get(CERTIFICATES, 0),
                count_label=gettext("份预览待确认"),
                urgent=True,
            )
        )
    if is_sub_district_staff(user) or has_role(user, Role.HR, Role.UNION_OFFICER):
        if is_sub_district_staff(user):
            description = gettext("全街道职工的在职情况、技能等级和学习档案。")
        elif has_role(user, Role.HR):
            description = gettext("本企业职工的在职情况、技能等级和学习档案。")
        else:
            description = gettext("各企业职工的入会情况和技能等级（不含身份证号、电话）。")
        items.append(
            HomeItem(
                title=gettext("职工名册"), url=reverse("workers:list"), description=description
            )
        )
    return items or None


def register() -> None:
    register_home_section("workers", title=_("花名册与职工"), items=home_items, order=10)
