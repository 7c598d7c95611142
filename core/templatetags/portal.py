from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: "float | Decimal | None") -> str:
    """A rate in [0, 1] as a percentage with two decimals; — for a rate over nothing."""
    if value is None or value == "":  # "": a missing value in a template
        return "—"
    return "%.2f%%" % (value * 100)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """mapping[key] in a template (keys that are not identifiers: ids, choice values)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def yuan(value: "Decimal | int | None") -> str:
    """An amount in yuan with thousands separators and two decimals: 1,234,567.89."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"
