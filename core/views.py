from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from core.home import HomeItem, ShownSection, request_unread_count, sections_for, waiting_items
from core.roles import Role, is_sub_district_staff, user_roles

# The role names shown under the greeting, in the order of DOMAIN.md's table.
ROLE_ORDER = [Role.STAFF, Role.HR, Role.UNION_OFFICER, Role.OFFICIAL, Role.WORKLIST]


def _admin_section(request: HttpRequest) -> ShownSection | None:
    """The admin's registers for the users who work in it (staff; union officers keep the union
    organisations there)."""
    user = request.user
    if not user.is_staff:
        return None
    if is_sub_district_staff(user):
        description = gettext(
            "村（社区）、园区、企业名录、职工、工会组织、经费规则、通知公告等登记簿的维护，"
            "导入记录和操作日志。"
        )
    else:
        description = gettext("工会组织及其覆盖的企业。")
    item = HomeItem(title=gettext("后台管理"), url=reverse("admin:index"), description=description)
    return ShownSection("admin", gettext("后台管理"), [item])


def _notices_url() -> str:
    try:
        return reverse("notices:list")
    except NoReverseMatch:  # the notices app is not installed
        return ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page: what it can do, and what is waiting for it (issue 16)."""
    user = request.user
    sections = sections_for(user)
    admin = _admin_section(request)
    if admin is not None:
        sections.append(admin)
    if not sections:
        return render(request, "core/no_role.html", status=403)
    unread = request_unread_count(request)
    waiting = waiting_items(sections)
    notices_url = _notices_url()
    if unread and notices_url and all(item.url != notices_url for item in waiting):
        waiting.insert(
            0,
            HomeItem(
                title=gettext("通知公告"),
                url=notices_url,
                count=unread,
                count_label=gettext("未读"),
                urgent=True,
            ),
        )
    held = user_roles(user)
    roles = [role.label for role in ROLE_ORDER if role.value in held]
    if getattr(user, "is_superuser", False) and not roles:
        roles = [Role.STAFF.label]
    return render(
        request,
        "core/home.html",
        {
            "sections": sections,
            "waiting": waiting,
            "role_labels": roles,
        },
    )
