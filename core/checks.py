from typing import Any

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.database)
def personal_data_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """`migrate` and `check --database default` stop on a wrong or missing key; the web server
    (jianzhou_reform.wsgi, which runserver loads too) and Celery workers check at start-up."""
    from core.keys import personal_data_key_verify

    if not kwargs.get("databases"):  # as Django's own database checks: only when asked for
        return []
    try:
        personal_data_key_verify()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="core.E001")]
    return []
