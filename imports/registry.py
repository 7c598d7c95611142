"""The data sets the spreadsheet platform knows, each registered by the app that owns it.

An app adds a data set the way a model is added to the admin: one `register()` call from its
`AppConfig.ready()` with its columns, its importer, who may upload for which enterprise and its
template workbook. The platform (services, commands, upload pages, admin) asks this registry and
never imports a data set's app, so adding a data set needs no edit here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from imports.engine import DataSet, ImportContext, Importer

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class DataSetRegistration:
    kind: str  # stored on ImportRecord.kind; never renamed once records exist
    label: str | Promise  # 花名册, as users read it
    dataset: DataSet
    importer: Callable[[ImportContext], Importer]  # usually SomeImporter.from_context
    # The enterprises a user may upload this data set for (HR their own, staff any); None for
    # a data set loaded for the whole sub-district (commands and staff only).
    enterprises_for: Callable[[Any], QuerySet[Any]] | None = None
    # The template workbook, empty or filled in for an enterprise (None), and its file name.
    template: Callable[[Any], bytes] | None = None
    template_filename: Callable[[Any], str] | None = None
    # The upload pages: the name the app gave `upload_urlpatterns`, e.g. "workers:roster_upload";
    # the page that extends imports/upload_detail.html with the data set's own details; the
    # page an upload returns to (the enterprise's page of the data set).
    url_name: str = ""
    detail_template: str = "imports/upload_detail.html"
    detail_context: Callable[[Any, Any], dict[str, Any]] | None = None
    enterprise_url_name: str = ""
    # Each upload is the enterprise's whole current list (the roster): a newer clean preview
    # overtakes the older ones at once. Otherwise (add-and-update data sets) only an apply does.
    whole_list: bool = False

    def upload_url(self, suffix: str, pk: int) -> str:
        return reverse(self.url_name + suffix, args=[pk])

    def enterprise_url(self, enterprise_id: int) -> str:
        return reverse(self.enterprise_url_name, kwargs={"enterprise_id": enterprise_id})


_registry: dict[str, DataSetRegistration] = {}


def register(registration: DataSetRegistration) -> None:
    existing = _registry.get(registration.kind)
    if existing is not None and existing != registration:
        raise ValueError("data set %r is registered twice" % registration.kind)
    _registry[registration.kind] = registration


def get(kind: str) -> DataSetRegistration:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError("no data set %r is registered" % kind) from None


def find(kind: str) -> DataSetRegistration | None:
    """The registration of `kind`, or None for a data set no app registers (any more)."""
    return _registry.get(kind)


def registered() -> list[DataSetRegistration]:
    return list(_registry.values())


def label_of(kind: str) -> str:
    registration = find(kind)
    return str(registration.label) if registration else kind
