from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin
from core.roles import sees_personal_data
from enterprises.models import IndustrialPark, Village
from imports.admin import ExportColumn, XlsxExportMixin
from workers.models import Employment, Worker
from workers.selectors import employments_visible_to, workers_visible_to
from workers.services import (
    MEMBERSHIP_FIELDS,
    employment_delete,
    employment_save,
    worker_delete,
    worker_save,
)


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


@admin.register(Worker)
class WorkerAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("姓名"), "name"),
        ExportColumn(_("身份证号"), "id_number", personal=True),
        (_("性别"), "sex"),
        ExportColumn(_("出生日期"), "birth_date", personal=True),
        ExportColumn(_("手机号码"), "phone", personal=True),
        (_("学历"), "education"),
        (_("政治面貌"), "political_status"),
        (_("职业技能等级"), "skill_level"),
        (_("是否工会会员"), "is_union_member"),
    ]
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
    # Membership is changed only on the union correction page, which keeps its history.
    readonly_fields = [
        "sex",
        "birth_date",
        "masked_id_number_display",
        *MEMBERSHIP_FIELDS,
        "union_membership_link",
    ]
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
        (
            _("工会"),
            {
                "fields": [*MEMBERSHIP_FIELDS, "union_membership_link"],
                "description": _(
                    "会员关系随人走（一次入会、动态接转）：入会、退会和日期由花名册导入，"
                    "或在工会会员页更正，每次变动都留有记录，这里不能修改。"
                ),
            },
        ),
        (None, {"fields": ["remarks"]}),
    ]

    @admin.display(description=_("身份证号"), ordering="id_number")
    def masked_id_number_display(self, worker: Worker) -> str:
        return worker.masked_id_number

    @admin.display(description=_("更正会员信息"))
    def union_membership_link(self, worker: Worker) -> str:
        if worker.pk is None:
            return gettext("保存职工后，在工会会员页登记入会。")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("unions:membership", args=[worker.pk]),
            gettext("到工会会员页更正（记录变动历史）"),
        )

    def save_model(self, request, obj, form, change):
        worker_save(user=request.user, worker=obj)

    def delete_model(self, request, obj):
        worker_delete(user=request.user, worker=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request, formset, save=employment_save, delete=employment_delete, row="employment"
        )

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
class EmploymentAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("姓名"), "worker__name"),
        ExportColumn(_("身份证号"), "worker__id_number", personal=True),
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("岗位"), "position"),
        (_("是否一线职工"), "is_frontline"),
        (_("劳动合同类型"), "contract_type"),
        (_("入职日期"), "hire_date"),
        (_("离职日期"), "departure_date"),
    ]
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

    def save_model(self, request, obj, form, change):
        employment_save(user=request.user, employment=obj)

    def delete_model(self, request, obj):
        employment_delete(user=request.user, employment=obj)

    def get_queryset(self, request: HttpRequest):
        return employments_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())
