from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, PAGE_VAR
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.accounts import person_name
from core.admin import ServiceModelAdmin
from core.http import xlsx_response
from core.models import PersonalDataAccess
from core.roles import sees_personal_data
from core.services import audit_record, personal_data_access_record, record_save
from imports import registry
from imports.models import ImportRecord, ImportRetention
from imports.xlsx import Table, display_width, table_workbook

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class ExportColumn(NamedTuple):
    """One column of an admin export: its Chinese header and where its value comes from.

    `source` is a field path ("uscc", "village__name": forward relations only, fetched with
    select_related) or a function of the row's object. `text`: write the column as text cells
    (None: text for a CharField or TextField). `width`: in Excel's units (None: from the
    header, or the field's max_length). `personal`: an ID number, phone or birth date, left out
    for users who do not see personal data (union officers; DOMAIN.md).
    """

    header: str | Promise
    source: str | Callable[[Any], Any]
    text: bool | None = None
    width: float | None = None
    personal: bool = False


class _Resolved(NamedTuple):
    header: str
    get: Callable[[Any], Any]
    text: bool
    width: float | None
    related: str | None  # the select_related path the value needs


class XlsxExportMixin(_AdminBase):
    """Exports a register from the admin as .xlsx through imports.xlsx (its rule is there).

    Declare `export_columns` as (Chinese header, field path or function) pairs or ExportColumn.
    Staff get an action "导出所选（Excel）" and a button that exports the changelist as filtered,
    searched and sorted; both read the admin's own `get_queryset(request)`, so each user exports
    only rows they may see, in one query for the rows (relations by select_related; override
    `get_export_queryset` to prefetch what a function column needs). A choice field is written
    as its label, a boolean as 是/否 (what the imports read back), a related object as its name.
    Who may export: `has_export_permission` (by default whoever may view the list).
    """

    export_columns: Sequence[ExportColumn | tuple[Any, ...]] = ()
    export_sheet_title: str | None = None  # default: the model's verbose_name_plural
    export_filename: str | None = None  # default: "<sheet title>_<today>.xlsx"
    export_chunk_size = 2000
    export_change_list_template = "admin/imports/change_list_xlsx_export.html"

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_export_columns(self, request: HttpRequest) -> list[ExportColumn]:
        """The columns this user may have: personal ones only for those who see personal data."""
        columns = [ExportColumn(*column) for column in self.export_columns]
        if sees_personal_data(request.user):
            return columns
        return [column for column in columns if not column.personal]

    def get_export_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> Any:
        """The rows to write: `queryset` (already narrowed by get_queryset and the changelist
        or the selection) with the relations the columns need."""
        related = {c.related for c in self._resolved_columns(request) if c.related}
        if not related or queryset.query.select_related is True:  # True: every relation already
            return queryset
        return queryset.select_related(*sorted(related))

    def export_xlsx_response(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse:
        columns = self._resolved_columns(request)
        rows = self.get_export_queryset(request, queryset)
        written = 0

        def values() -> Iterator[list[Any]]:
            nonlocal written
            for obj in rows.iterator(chunk_size=self.export_chunk_size):
                written += 1
                yield [_export_value(column.get(obj)) for column in columns]

        title = str(self.export_sheet_title or self.opts.verbose_name_plural)
        table = Table(
            title=title,
            headers=[c.header for c in columns],
            rows=values(),
            text_columns={i for i, c in enumerate(columns) if c.text},
            widths=[c.width for c in columns],
        )
        content = table_workbook([table])
        # A register may hold personal data: who took a copy of which rows is kept.
        audit_record(
            actor=request.user,
            action="xlsx_export",
            model=self.opts.label,
            rows=written,
            query=request.GET.urlencode(),
        )
        personal = [str(c.header) for c in self.get_export_columns(request) if c.personal]
        if personal:
            # ID numbers, phones or birth dates left the portal: the personal-data access log.
            personal_data_access_record(
                actor=request.user,
                action=PersonalDataAccess.Action.EXPORT,
                object_type=self.opts.label,
                count=written,
                detail={"columns": personal, "query": request.GET.urlencode()},
            )
        today = timezone.localdate().isoformat()
        filename = self.export_filename or "%s_%s.xlsx" % (title, today)
        return xlsx_response(content, filename)

    @admin.action(description=_("导出所选（Excel）"), permissions=["export"])
    def export_selected_xlsx(self, request: HttpRequest, queryset: models.QuerySet):
        return self.export_xlsx_response(request, queryset)

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if (
            self.actions is not None
            and IS_POPUP_VAR not in request.GET
            and self.has_export_permission(request)
        ):
            func = XlsxExportMixin.export_selected_xlsx
            actions.setdefault(
                "export_selected_xlsx",
                (func, "export_selected_xlsx", func.short_description),  # type: ignore[attr-defined]
            )
        return actions

    def _export_url_name(self) -> str:
        return "%s_%s_export_xlsx" % (self.opts.app_label, self.opts.model_name)

    def get_urls(self):
        return [
            path(
                "export-xlsx/",
                self.admin_site.admin_view(self.export_changelist_view),
                name=self._export_url_name(),
            ),
            *super().get_urls(),
        ]

    def export_changelist_view(self, request: HttpRequest) -> HttpResponse:
        """The changelist as the user sees it (filters, search, sort), every page of it."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        request.GET = _list_query(request.GET)
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            url = reverse(
                "admin:%s_%s_changelist" % (self.opts.app_label, self.opts.model_name),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect("%s?%s=1" % (url, ERROR_FLAG))
        return self.export_xlsx_response(request, changelist.queryset)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # Only the list page itself (an action may answer with a page of its own).
        page = self.change_list_template or [
            "admin/%s/%s/change_list.html" % (self.opts.app_label, self.opts.model_name),
            "admin/%s/change_list.html" % self.opts.app_label,
            "admin/change_list.html",
        ]
        if (
            isinstance(response, TemplateResponse)
            and response.template_name == page
            and response.context_data is not None
            and self.has_export_permission(request)
        ):
            query = _list_query(request.GET).urlencode()
            url = reverse("admin:" + self._export_url_name(), current_app=self.admin_site.name)
            response.context_data["xlsx_export_url"] = url + ("?" + query if query else "")
            # The button's template extends whichever list template this admin uses.
            response.context_data["xlsx_export_base"] = (
                select_template([page])
                if isinstance(page, str)
                else select_template(list(page))
                if isinstance(page, Sequence)
                else page
            )
            response.template_name = self.export_change_list_template
        return response

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        for column in self.export_columns:
            try:
                _resolve(self.model, ExportColumn(*column))
            except (FieldDoesNotExist, ImproperlyConfigured, TypeError) as exc:
                errors.append(
                    checks.Error("export_columns: %s" % exc, obj=self.__class__, id="imports.E001")
                )
        return errors

    def _resolved_columns(self, request: HttpRequest) -> list[_Resolved]:
        return [_resolve(self.model, c) for c in self.get_export_columns(request)]


def _list_query(query: QueryDict) -> _ImmutableQueryDict:
    """The changelist's filters, search and sort without its page."""
    kept = query.copy()
    for name in (PAGE_VAR, ALL_VAR, ERROR_FLAG):
        kept.pop(name, None)
    return QueryDict(kept.urlencode(), encoding=query.encoding)


def _resolve(model: type[models.Model], column: ExportColumn) -> _Resolved:
    header = str(column.header)
    if callable(column.source):
        return _Resolved(header, column.source, bool(column.text), column.width, None)
    if not isinstance(column.source, str) or not column.source:
        raise TypeError("column %r: give a field path or a function" % header)
    parts = column.source.split("__")
    opts = model._meta
    names: list[str] = []
    field: Any = None
    for i, part in enumerate(parts):
        field = opts.get_field(part)
        names.append(field.name)
        if i < len(parts) - 1 or field.is_relation:
            if not (
                field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)
            ):
                raise ImproperlyConfigured(
                    "column %r: %s is not a foreign key (one value per row is exported)"
                    % (header, column.source)
                )
            if i < len(parts) - 1:
                opts = field.related_model._meta
    related = "__".join(names[:-1] if not field.is_relation else names) or None
    labels = dict(field.flatchoices) if getattr(field, "choices", None) else None
    is_bool = isinstance(field, models.BooleanField)

    def get(obj: Any) -> Any:
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        if labels is not None and obj in labels:
            return labels[obj]
        if is_bool and obj is not None:
            return gettext("是") if obj else gettext("否")
        return obj

    is_text = isinstance(field, models.CharField | models.TextField) and labels is None
    text = column.text if column.text is not None else (is_text or field.is_relation)
    width = column.width
    if width is None and isinstance(field, models.CharField) and field.max_length:
        width = max(display_width(header) + 2, min(field.max_length, 40) + 2)
    return _Resolved(header, get, bool(text), width, related)


def _export_value(value: Any) -> Any:
    """A value as a cell holds it: text for labels and related objects, 是/否 for booleans."""
    if value is None or isinstance(value, int | float | str | datetime.date | datetime.time):
        if isinstance(value, bool):
            return gettext("是") if value else gettext("否")
        return value
    if isinstance(value, Promise | models.Model):
        return str(value)
    return value


class KindFilter(admin.SimpleListFilter):
    """The registered data sets by their Chinese names (the kind has no fixed choices)."""

    title = _("数据类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(r.kind, r.label) for r in registry.registered()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


# Users by name in Chinese order (core.accounts.person_name), not by login name.
_USERS_BY_NAME = {"uploaded_by": "uploaded_by_name", "applied_by": "applied_by_name"}


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind_label",
        "original_name",
        "enterprise",
        "uploaded_by_name",
        "source",
        "status",
        "download_link",
        "preview_link",
    ]
    list_filter = [KindFilter, "status", "source"]
    list_select_related = ["enterprise", "uploaded_by"]
    search_fields = ["original_name", "sha256"]
    exclude = ["file", "staged_rows", *_USERS_BY_NAME]
    readonly_fields = [
        _USERS_BY_NAME.get(f.name, f.name)
        for f in ImportRecord._meta.fields
        if f.name not in ("file", "staged_rows")
    ] + ["download_link", "preview_link"]

    def get_queryset(self, request: HttpRequest):
        # Error lists and previews can be large: the list page does not need them.
        queryset = super().get_queryset(request)
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name and url_name.endswith("changelist"):
            queryset = queryset.defer("errors", "warnings", "details")
        return queryset

    @admin.display(description=_("上传人"), ordering="uploaded_by__last_name")
    def uploaded_by_name(self, record: ImportRecord) -> str:
        return person_name(record.uploaded_by) or "—"

    @admin.display(description=_("确认导入人"))
    def applied_by_name(self, record: ImportRecord) -> str:
        return person_name(record.applied_by) or "—"

    @admin.display(description=_("数据类型"), ordering="kind")
    def kind_label(self, record: ImportRecord) -> str:
        return record.get_kind_display()

    @admin.display(description=_("预览"))
    def preview_link(self, record: ImportRecord) -> str:
        registration = registry.find(record.kind)
        if registration is None or not registration.url_name or record.enterprise_id is None:
            return "—"
        url = registration.upload_url("", record.pk)
        return format_html('<a href="{}">{}</a>', url, _("查看"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("原始文件"))
    def download_link(self, record: ImportRecord) -> str:
        url = reverse("admin:imports_importrecord_download", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, _("下载"))

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", download, name="imports_importrecord_download"),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """The original upload, to users who may view the record (files hold personal data)."""
        record = self.get_queryset(request).filter(pk=pk).first()
        if record is None or not self.has_view_permission(request, record):
            raise Http404
        try:
            handle = record.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.DOWNLOAD_ORIGINAL,
            object_type=ImportRecord,
            object_id=record.pk,
            count=(record.counts or {}).get("rows", 0),
            detail={"kind": record.kind, "page": "admin:imports_importrecord_download"},
        )
        return FileResponse(handle, as_attachment=True, filename=record.original_name)


@admin.register(ImportRetention)
class ImportRetentionAdmin(ServiceModelAdmin):
    """One row: how many days uploaded originals are kept (imports.services purges the rest)."""

    list_display = ["__str__", "originals_days", "updated_at"]
    fields = ["originals_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the one row comes with the migration; staff change it

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        record_save(actor=request.user, instance=obj, action="import.retention.changed")
