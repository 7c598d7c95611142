"""The village/community, park and size filter that the dashboards and lists share: parsed from
a query string once, applied to an enterprise queryset once."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet


def group_filters_from(params: Mapping[str, str]) -> dict[str, Any]:
    """`?village=3&park=none&above_scale=1` → keyword arguments of `filter_by_groups`; a value
    that is not one of the accepted forms is ignored (a hand-edited link shows everything)."""
    filters: dict[str, Any] = {}
    if params.get("village", "").isdigit():
        filters["village"] = int(params["village"])
    if params.get("park") == "none":
        filters["no_park"] = True
    elif params.get("park", "").isdigit():
        filters["park"] = int(params["park"])
    if params.get("above_scale") in ("0", "1"):
        filters["above_scale"] = params["above_scale"] == "1"
    return filters


def filter_by_groups(
    enterprises: QuerySet[Any],
    *,
    village: int | None = None,
    park: int | None = None,
    no_park: bool = False,
    above_scale: bool | None = None,
) -> QuerySet[Any]:
    """Enterprises of a village/community, of a park (or of none) and above-scale or not."""
    if village is not None:
        enterprises = enterprises.filter(village_id=village)
    if no_park:
        enterprises = enterprises.filter(park__isnull=True)
    elif park is not None:
        enterprises = enterprises.filter(park_id=park)
    if above_scale is not None:
        enterprises = enterprises.filter(is_above_scale=above_scale)
    return enterprises
