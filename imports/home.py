"""What the home page counts from the import records: checked previews waiting for the user's
confirmation (core.home)."""

from typing import Any

from django.db.models import Count

from imports import registry
from imports.models import ImportRecord


def previews_to_confirm(user: Any) -> dict[str, int]:
    """Per data set, the clean previews (已校验，待确认) of the enterprises the user may upload it
    for: HR their own, staff all (each data set's `enterprises_for`, as its upload pages).
    One query for every data set, kept on the user for the rest of the request."""
    cached = getattr(user, "_previews_to_confirm", None)
    if cached is not None:
        return cached
    counts: dict[str, int] = {}
    scopes = [
        (registration.kind, registration.enterprises_for(user))
        for registration in registry.registered()
        if registration.enterprises_for is not None
    ]
    if scopes:
        query = ImportRecord.objects.none()
        for kind, enterprises in scopes:
            query |= ImportRecord.objects.filter(
                kind=kind,
                status=ImportRecord.Status.VALIDATED,
                enterprise__in=enterprises.order_by().values("pk"),
            )
        counts = dict(
            query.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
        )
    setattr(user, "_previews_to_confirm", counts)  # noqa: B010 - a per-request cache
    return counts
