from typing import Any

from django import template

from core.accounts import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    """{{ user|person_name }}: the name in Chinese order (core.accounts.person_name)."""
    return _person_name(user)
