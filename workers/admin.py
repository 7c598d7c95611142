from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import sees_personal_data
from enterprises.models import IndustrialPark, Village
from workers.models import Employment, Worker
from workers.selectors import employments_visible_to, workers_visible_to


def _active_employments():
    return Employment.objects.active_on(timezone.localdate()).filter(worker=OuterRef("pk"))


class FrontlineFilter(admin.SimpleListFilter):
    title = _("一线职工")
    parameter_name = "frontline"

    def lookups(self, request, model_admin):
        return [("1", _("是")), ("0", _("否"))]

    def queryset(self, request, queryset):
        frontline = Exists(_active_employments().filter(is_frontline=True))
        if self.value() == "1":
            return queryset.filter(frontline)
        if self.value() == "0":
            return queryset.exclude(frontline)
        return queryset


class VillageFilter(admin.SimpleListFilter):
    """Workers currently employed by an enterprise of the village."""

    title = _("所属村（社区）")
    parameter_name = "village"

    def lookups(self, request, model_admin):
        return list(Village.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(_active_employments().filter(enterprise__village_id=self.value()))
            )
        return queryset


class ParkFilter(admin.SimpleListFilter):
    title = _("所属工业园区")
    parameter_name = "park"

    def lookups(self, request, model_admin):
        return list(IndustrialPark.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(_active_employments().filter(enterprise__park_id=self.value()))
            )
        return queryset


class AboveScaleFilter(admin.SimpleListFilter):
    title = _("规上企业职工")
    parameter_name = "above_scale"

    def lookups(self, request, model_admin):
        return [("1", _("是")), ("0", _("否"))]

    def queryset(self, request, queryset):
        above = Exists(_active_employments().filter(enterprise__is_above_scale=True))
        if self.value() == "1":
            return queryset.filter(above)
        if self.value() == "0":
            return queryset.exclude(above)
        return queryset


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    fields = [
        "enterprise",
        "position",
        "is_frontline",
        "contract_type",
        "hire_date",
        "departure_date",
    ]
    autocomplete_fields = ["enterprise"]

    def get_queryset(self, request: HttpRequest):
        return employments_visible_to(request.user)


PERSONAL_FIELDS = ("id_number", "phone")


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "masked_id_number_display",
        "sex",
        "birth_date",
        "political_status",
        "skill_level",
        "is_union_member",
    ]
    list_filter = [
        VillageFilter,
        ParkFilter,
        AboveScaleFilter,
        FrontlineFilter,
        "skill_level",
        "political_status",
        "is_union_member",
    ]
    search_fields = ["name", "=id_number"]
    inlines = [EmploymentInline]
    readonly_fields = ["sex", "birth_date", "masked_id_number_display"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "id_number",
                    "sex",
                    "birth_date",
                    "phone",
                    "education",
                    "political_status",
                    "skill_level",
                ]
            },
        ),
        (_("工会"), {"fields": ["is_union_member", "union_joined_on", "union_left_on"]}),
        (None, {"fields": ["remarks"]}),
    ]

    @admin.display(description=_("身份证号"), ordering="id_number")
    def masked_id_number_display(self, worker: Worker) -> str:
        return worker.masked_id_number

    def get_queryset(self, request: HttpRequest):
        return workers_visible_to(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_personal_data(request.user):
            return fieldsets
        # Union officers review membership without ID numbers or phones (DOMAIN.md).
        trimmed = []
        for title, options in fieldsets:
            fields = [
                "masked_id_number_display" if f == "id_number" else f
                for f in options["fields"]
                if f != "phone"
            ]
            trimmed.append((title, {**options, "fields": fields}))
        return trimmed

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())


@admin.register(Employment)
class EmploymentAdmin(admin.ModelAdmin):
    list_display = [
        "worker_name",
        "masked_id_number",
        "enterprise",
        "position",
        "is_frontline",
        "contract_type",
        "hire_date",
        "departure_date",
    ]
    list_filter = [
        "enterprise__village",
        "enterprise__park",
        "enterprise__is_above_scale",
        "is_frontline",
        "contract_type",
    ]
    list_select_related = ["worker", "enterprise"]
    search_fields = ["worker__name", "=worker__id_number", "enterprise__name", "=enterprise__uscc"]
    autocomplete_fields = ["worker", "enterprise"]
    date_hierarchy = "hire_date"

    @admin.display(description=_("姓名"), ordering="worker__name")
    def worker_name(self, employment: Employment) -> str:
        return employment.worker.name

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, employment: Employment) -> str:
        return employment.worker.masked_id_number

    def get_queryset(self, request: HttpRequest):
        return employments_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())
