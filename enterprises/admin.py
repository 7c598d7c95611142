from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ExportMixin

from enterprises.models import Enterprise, IndustrialPark, Village
from enterprises.selectors import enterprises_visible_to


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(IndustrialPark)
class IndustrialParkAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


class EnterpriseResource(resources.ModelResource):
    """Export of the register with the Chinese column names of the import (INTERFACES.md)."""

    class Meta:
        model = Enterprise
        fields = (
            "uscc",
            "name",
            "village__name",
            "park__name",
            "is_above_scale",
            "industry",
            "legal_representative",
            "phone",
        )
        export_order = fields

    def get_export_headers(self, selected_fields=None):
        return [
            "统一社会信用代码",
            "企业名称",
            "所属村（社区）",
            "所属工业园区",
            "是否规上企业",
            "行业",
            "法定代表人",
            "联系电话",
        ]

    def dehydrate_is_above_scale(self, enterprise: Enterprise) -> str:
        return "是" if enterprise.is_above_scale else "否"


@admin.register(Enterprise)
class EnterpriseAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ["name", "uscc", "village", "park", "is_above_scale", "industry"]
    list_filter = ["village", "park", "is_above_scale"]
    list_select_related = ["village", "park"]
    search_fields = ["name", "=uscc"]
    filter_horizontal = ["hr_users"]
    fieldsets = [
        (None, {"fields": ["uscc", "name", "village", "park", "is_above_scale", "industry"]}),
        (_("联系"), {"fields": ["legal_representative", "phone"]}),
        (_("企业人事账号"), {"fields": ["hr_users"]}),
    ]

    def get_queryset(self, request: HttpRequest):
        return enterprises_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())
