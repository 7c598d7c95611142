from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for development and first looks (`seed_demo`): the top layer, the only code
    that knows every app."""

    name = "demo"
    verbose_name = _("演示数据")
