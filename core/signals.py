"""Signals of the portal's own, for writes that Django's model signals do not see."""

from django.dispatch import Signal

# Sent with sender=<model class> after rows were written in bulk (COPY, UPDATE … FROM,
# bulk_create, QuerySet.update): caches derived from that model's table are out of date.
rows_written = Signal()
