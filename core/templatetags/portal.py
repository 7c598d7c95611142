from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate in [0, 1] as a percentage with two decimals; — for a rate over nothing."""
    if value is None:
        return "—"
    return "%.2f%%" % (value * 100)
