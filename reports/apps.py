from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("改革进展报告")

    def ready(self) -> None:
        from reports import home

        home.register()  # its section of the home page (core.home)
        from reports import cache

        cache.connect()  # the cached live figures follow every write to their tables
