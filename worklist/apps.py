from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    name = "worklist"
    verbose_name = _("改革工作清单")

    def ready(self) -> None:
        from worklist import home

        home.register()  # its section of the home page (core.home)
