from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unions.models import UnionCoverage, UnionOrganisation


class UnionCoverageInline(admin.TabularInline):
    model = UnionCoverage
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["enterprise", "start_date", "end_date", "created_by"]
    readonly_fields = ["created_by"]
    verbose_name = _("覆盖企业（离开联合工会时填写结束日期，不要删除）")


@admin.register(UnionOrganisation)
class UnionOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "village", "park", "founded_on", "chair"]
    list_filter = ["kind", "village", "park"]
    list_select_related = ["village", "park"]
    search_fields = ["name", "chair"]
    inlines = [UnionCoverageInline]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if instance.pk is None:
                instance.created_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


@admin.register(UnionCoverage)
class UnionCoverageAdmin(admin.ModelAdmin):
    list_display = ["union", "enterprise", "start_date", "end_date"]
    list_filter = ["union__kind", "enterprise__village", "enterprise__park", "end_date"]
    list_select_related = ["union", "enterprise"]
    search_fields = ["union__name", "enterprise__name", "=enterprise__uscc"]
    autocomplete_fields = ["union", "enterprise"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
