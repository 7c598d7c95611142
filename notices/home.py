"""What each role finds about 通知公告 on the home page (core.home): HR what is unread, staff
their drafts and what they published this month, union officers the list."""

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.home import HomeItem
from core.roles import Role, has_role, is_sub_district_staff
from notices.models import Notice
from notices.selectors import notice_unread_count, reads_as_enterprise
from training.selectors import fund_notice_unread_count


def notices_home_items(user: Any) -> list[HomeItem] | None:
    if is_sub_district_staff(user):
        return _staff_items(user)
    if reads_as_enterprise(user):
        unread = notice_unread_count(user) + fund_notice_unread_count(user)
        return [
            HomeItem(
                title=gettext("通知公告"),
                url=reverse("notices:list"),
                description=gettext("街道发给贵企业的通知公告和经费整改通知。"),
                count=unread,
                count_label=gettext("未读"),
                urgent=unread > 0,
            )
        ]
    if has_role(user, Role.UNION_OFFICER):
        return [
            HomeItem(
                title=gettext("通知公告"),
                url=reverse("notices:list"),
                description=gettext("街道发给企业的通知公告。"),
            )
        ]
    return None


def _staff_items(user: Any) -> list[HomeItem]:
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    counts = Notice.objects.aggregate(
        drafts=Count("pk", filter=Q(published_at__isnull=True)),
        this_month=Count("pk", filter=Q(published_at__gte=month_start)),
    )
    return [
        HomeItem(
            title=gettext("发布通知公告"),
            url=reverse("admin:notices_notice_add"),
            description=gettext("发给全部企业、某村（社区）或园区的企业、或指定企业，可带附件。"),
            count=counts["drafts"],
            count_label=gettext("草稿"),
        ),
        HomeItem(
            title=gettext("通知公告与阅读回执"),
            url=reverse("admin:notices_notice_changelist"),
            description=gettext("已发布的通知，各企业是否已读。"),
            count=counts["this_month"],
            count_label=gettext("本月已发布"),
        ),
    ]
