from typing import Any

from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
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

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        # django-axes names its rows in English f-strings (admin titles and breadcrumbs):
        # the same facts in Chinese. No translation catalog can reach an f-string.
        AccessAttempt.__str__ = _attempt_str  # type: ignore[method-assign,assignment]
        AccessFailureLog.__str__ = _failure_str  # type: ignore[method-assign,assignment]
        AccessLog.__str__ = _log_str  # type: ignore[method-assign,assignment]


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _attempt_str(self: Any) -> str:
    return gettext("登录失败计数：%(username)s，%(when)s") % {
        "username": self.username or "",
        "when": _when(self.attempt_time),
    }


def _failure_str(self: Any) -> str:
    text = gettext("登录失败：%(username)s，%(when)s，来自 %(ip)s") % {
        "username": self.username or "",
        "when": _when(self.attempt_time),
        "ip": self.ip_address or "",
    }
    return text + (gettext("（已锁定）") if self.locked_out else "")


def _log_str(self: Any) -> str:
    return gettext("登录记录：%(username)s，%(when)s") % {
        "username": self.username or "",
        "when": _when(self.attempt_time),
    }
