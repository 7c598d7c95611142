from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "honors"
    verbose_name = _("劳模工匠")

    def ready(self) -> None:
        # --- the honour register: the 荣誉 data set and the worker page's honours panel
        # --- the figures: model workers and craftsmen counted with the worker figures
        pass
