"""Sections that apps above workers add to the worker page (/workers/<id>/), such as the
学习档案 of the training app (STYLE.md: a lower layer that must hear about a higher one offers
a registry). workers never imports those apps; they register here in their AppConfig.ready.

A panel's `context(user, worker)` decides who sees it: it returns None for a user who may not,
and then nothing of the panel reaches the page (its template is not even rendered). Its
`sheets(context)` are the tables it adds to the worker's learning-record workbook
(training:learning_record_export), so that a later section, the honours of issue 14 for one,
joins the page and the download by registering itself, with no edit to either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imports.xlsx import Table
    from workers.models import Worker

PanelContext = Callable[[Any, "Worker"], "dict[str, Any] | None"]
PanelSheets = Callable[["dict[str, Any]"], "Iterable[Table]"]


@dataclass(frozen=True)
class WorkerPanel:
    key: str
    template: str
    context: PanelContext
    order: int = 100  # smaller first, below the worker's employments
    sheets: PanelSheets | None = None


@dataclass(frozen=True)
class ShownPanel:
    """A panel as one user sees one worker: its template with the context it returned."""

    key: str
    template: str
    context: dict[str, Any]
    sheets: PanelSheets | None

    def tables(self) -> list[Table]:
        return list(self.sheets(self.context)) if self.sheets is not None else []


_PANELS: dict[str, WorkerPanel] = {}


def register_panel(
    key: str,
    *,
    template: str,
    context: PanelContext,
    order: int = 100,
    sheets: PanelSheets | None = None,
) -> None:
    """Add a section to the worker page. Registering a key again replaces it (ready() may run
    more than once in tests)."""
    _PANELS[key] = WorkerPanel(key, template, context, order, sheets)


def panels_for(user: Any, worker: Worker) -> list[ShownPanel]:
    """The panels `user` may see on `worker`'s page (the worker already visible to them), in
    order; a panel whose context function returns None is left out."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user, worker)
        if context is not None:
            shown.append(ShownPanel(panel.key, panel.template, context, panel.sheets))
    return shown
