from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from imports import registry
from imports.models import ImportRecord


def kinds() -> set[str]:
    return {r.kind for r in registry.registered()}


class KindFilter(admin.SimpleListFilter):
    """The registered data sets by their Chinese names (the kind has no fixed choices)."""

    title = _("数据类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(r.kind, r.label) for r in registry.registered()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind_label",
        "original_name",
        "enterprise",
        "uploaded_by",
        "source",
        "status",
        "download_link",
        "preview_link",
    ]
    list_filter = [KindFilter, "status", "source"]
    list_select_related = ["enterprise", "uploaded_by"]
    search_fields = ["original_name", "sha256"]
    exclude = ["file", "staged_rows"]
    readonly_fields = [
        f.name for f in ImportRecord._meta.fields if f.name not in ("file", "staged_rows")
    ] + ["download_link", "preview_link"]

    def get_queryset(self, request: HttpRequest):
        # Error lists and previews can be large: the list page does not need them.
        queryset = super().get_queryset(request)
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name and url_name.endswith("changelist"):
            queryset = queryset.defer("errors", "warnings", "details")
        return queryset

    @admin.display(description=_("数据类型"), ordering="kind")
    def kind_label(self, record: ImportRecord) -> str:
        return record.get_kind_display()

    @admin.display(description=_("预览"))
    def preview_link(self, record: ImportRecord) -> str:
        registration = registry.get(record.kind) if record.kind in kinds() else None
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
        return FileResponse(handle, as_attachment=True, filename=record.original_name)
