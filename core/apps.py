from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    # This module holds more than one app config: "core" in INSTALLED_APPS means this one.
    default = True
    name = "core"
    verbose_name = _("系统与日志")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import session_signed_in_stamp

        user_logged_in.connect(session_signed_in_stamp, dispatch_uid="core.session_signed_in")
        from core import checks  # noqa: F401 - registers the personal-data key check


class LoginProtectionConfig(AxesConfig):
    """django-axes (login throttling, see settings) under a Chinese name in the admin."""

    verbose_name = _("登录保护")
