"""The live report figures of a day, cached under a version that every write to their tables moves.

The officials' page shows the live quarter's figures beside those of the baseline period and of
the same quarter a year before; without a built report for those periods each is computed live:
three passes of `report_figures`, about 50 queries, on every view. The figures are read from
the register, workers, unions, training, honours, party and compliance tables, so any write to
a model of those apps (a save, a delete, a many-to-many change, or a bulk write that sends
`core.signals.rows_written`) moves the version, once at the write and once when its
transaction commits, as `workers.figures.figures_changed` does for the worker counts: a figure
is never older than the data it was computed from. Only with a cache every process shares
(`FIGURES_CACHE_SECONDS` > 0, Redis); otherwise every view computes the figures.

A miss is computed on the primary even inside `replica_reads()`: a replica that has not yet
replayed the write that moved the version would otherwise store old figures under the new one.
The views that miss together right after a write wait for one computation
(`core.cache.computed_once`).
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from core.cache import WriteVersion
from core.signals import rows_written

# The apps whose tables `reports.selectors.report_figures` reads.
SOURCE_APPS = ("enterprises", "workers", "unions", "training", "honors", "party", "compliance")

# As workers.figures: moved by every write the report figures read, a warm-up after each burst.
VERSION = WriteVersion(
    "report-figures",
    warm_task="reports.tasks.report_figures_warm_task",
    what="report figures warm-up",
)


def report_figures_changed(**kwargs: Any) -> None:
    """A table the report figures read changed: the cached figures are out of date, now and
    again when the writer's transaction commits (core.cache.WriteVersion). After the commit a
    Celery worker computes the officials' page's figures afresh (`FIGURES_WARM`), once for a
    burst of writes: at a city's size they take tens of seconds, which no official should
    wait."""
    VERSION.changed()


def warm_started() -> None:
    """A warm-up begins: a write from now on queues the next one."""
    VERSION.warm_started()


def _m2m_changed(*, sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and sender._meta.app_label in SOURCE_APPS:
        report_figures_changed()


def connect() -> None:
    """Hear every write to the source apps' models (ReportsConfig.ready)."""
    for label in SOURCE_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = "report-figures-%s" % model._meta.label_lower
            post_save.connect(
                report_figures_changed, sender=model, weak=False, dispatch_uid=uid + "-s"
            )
            post_delete.connect(
                report_figures_changed, sender=model, weak=False, dispatch_uid=uid + "-d"
            )
    m2m_changed.connect(_m2m_changed, weak=False, dispatch_uid="report-figures-m2m")
    rows_written.connect(report_figures_changed, weak=False, dispatch_uid="report-figures-bulk")


def cached_figures(
    as_of: datetime.date, compute: Callable[[datetime.date], dict[str, Any]]
) -> dict[str, Any]:
    """`compute(as_of)` (the report figures of the date), from the cache when nothing they are
    read from has changed since; computed on the primary on a miss."""
    # Today too: a figure as of a past date never depends on today, but the key costs nothing.
    return VERSION.cached(
        "%s:%s" % (as_of.isoformat(), timezone.localdate()), lambda: compute(as_of)
    )
