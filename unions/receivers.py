"""The unions app's answers to signals of the layers below it."""

from typing import Any

from django.dispatch import receiver

from imports.bulk import insert_rows, timestamp_value
from unions.models import UnionMembershipChange
from workers.models import Worker
from workers.signals import membership_changed


@receiver(membership_changed, sender=Worker, dispatch_uid="unions-membership-history")
def keep_membership_history(
    *,
    changes: list[tuple[int, bool, Any]],
    source: str,
    note: str,
    actor_id: int | None,
    at: Any,
    **kwargs: Any,
) -> None:
    """Each membership a roster starts or ends, with who uploaded it (DOMAIN.md: membership
    follows the person), written in one COPY inside the roster's transaction."""
    stamp = timestamp_value(at)
    insert_rows(
        UnionMembershipChange,
        ("worker_id", "is_member", "joined_on", "source", "note", "changed_by_id", "changed_at"),
        (
            (worker_id, member, joined, source, note, actor_id, stamp)
            for worker_id, member, joined in changes
        ),
    )
