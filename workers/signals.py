"""Signals the workers app sends for apps above it (STYLE.md: a lower layer offers a signal)."""

from django.dispatch import Signal

# Sent with sender=Worker inside the writing transaction when an import changed workers' union
# membership in bulk: changes=[(worker pk, is member, joined on)], source (a
# UnionMembershipChange.Source value), note, actor_id (or None) and at (when).
membership_changed = Signal()
