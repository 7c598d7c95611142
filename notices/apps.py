from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("通知公告")

    def ready(self) -> None:
        from core.home import register_home_section, register_unread_counter
        from notices.home import notices_home_items
        from notices.selectors import notice_unread_count

        register_home_section("notices", title=_("通知公告"), items=notices_home_items, order=5)
        register_unread_counter("notices", notice_unread_count)
