from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin
from imports.admin import XlsxExportMixin
from unions.models import UnionCoverage, UnionOrganisation
from unions.services import (
    union_coverage_delete,
    union_coverage_save,
    union_organisation_delete,
    union_organisation_save,
)


class UnionCoverageInline(admin.TabularInline):
    model = UnionCoverage
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["enterprise", "start_date", "end_date", "created_by"]
    readonly_fields = ["created_by"]
    verbose_name = _("覆盖企业（离开联合工会时填写结束日期，不要删除）")

    def get_queryset(self, request):
        # Each row shows who registered it and its own name (union → enterprise).
        return super().get_queryset(request).select_related("union", "enterprise", "created_by")


@admin.register(UnionOrganisation)
class UnionOrganisationAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("工会名称"), "name"),
        (_("类型"), "kind"),
        (_("成立日期"), "founded_on"),
        (_("工会主席"), "chair"),
        (_("所属村（社区）"), "village__name"),
        (_("所属工业园区"), "park__name"),
    ]
    list_display = ["name", "kind", "village", "park", "founded_on", "chair"]
    list_filter = ["kind", "village", "park"]
    list_select_related = ["village", "park"]
    search_fields = ["name", "chair"]
    inlines = [UnionCoverageInline]

    def save_model(self, request, obj, form, change):
        union_organisation_save(user=request.user, union=obj)

    def delete_model(self, request, obj):
        union_organisation_delete(user=request.user, union=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request, formset, save=union_coverage_save, delete=union_coverage_delete, row="coverage"
        )


@admin.register(UnionCoverage)
class UnionCoverageAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("工会名称"), "union__name"),
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("覆盖开始日期"), "start_date"),
        (_("覆盖结束日期"), "end_date"),
    ]
    list_display = ["union", "enterprise", "start_date", "end_date"]
    list_filter = ["union__kind", "enterprise__village", "enterprise__park", "end_date"]
    list_select_related = ["union", "enterprise"]
    search_fields = ["union__name", "enterprise__name", "=enterprise__uscc"]
    autocomplete_fields = ["union", "enterprise"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        union_coverage_save(user=request.user, coverage=obj)

    def delete_model(self, request, obj):
        union_coverage_delete(user=request.user, coverage=obj)
