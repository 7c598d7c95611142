from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("民主管理与劳动关系")

    def ready(self) -> None:
        from compliance import home

        home.register()  # its section of the home page (core.home)
