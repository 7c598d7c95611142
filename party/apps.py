from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "party"
    verbose_name = _("党组织与职工代表")

    def ready(self) -> None:
        from party import home

        home.register()  # its section of the home page (core.home)
