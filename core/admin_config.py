"""django.contrib.admin, its modules discovered when they are first needed (issue 17)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


class PortalAdminConfig(SimpleAdminConfig):
    """The admin without discovery at start-up. Every app's admin module (a third of a second
    of imports: import-export resources, workbook writers) is imported by the URLconf
    (jianzhou_reform/urls.py), which a web process loads before its first answer, and by the
    system checks before they check the admin; an import command or a Celery worker, which
    never serve the admin, start without them."""

    def ready(self) -> None:
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_discovered_admin, checks.Tags.admin)


def check_discovered_admin(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django's checks of every registered ModelAdmin, the admin modules discovered first."""
    admin.autodiscover()
    return check_admin_app(app_configs, **kwargs)
