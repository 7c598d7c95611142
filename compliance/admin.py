import datetime

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    LabourInspection,
    WorkersCongressSession,
)
from compliance.selectors import (
    factory_affairs_disclosures_visible_to,
    labour_inspections_visible_to,
    wage_contracts_expiring,
    wage_contracts_visible_to,
    workers_congress_sessions_visible_to,
)
from compliance.services import (
    collective_wage_contract_delete,
    collective_wage_contract_save,
    democratic_record_confirm,
    factory_affairs_disclosure_delete,
    factory_affairs_disclosure_save,
    labour_inspection_delete,
    labour_inspection_save,
    workers_congress_session_delete,
    workers_congress_session_save,
)
from core.admin import ServiceModelAdmin
from core.roles import is_sub_district_staff
from imports.admin import XlsxExportMixin

ENTERPRISE_FILTERS = ["enterprise__village", "enterprise__park", "enterprise__is_above_scale"]
ENTERPRISE_SEARCH = ["enterprise__name", "=enterprise__uscc"]
# Who entered and confirmed a record: set by compliance.services, never typed (issue 15).
ENTRY_READONLY = ["entered_by", "confirmed_by", "confirmed_at"]


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("确认状态")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("no", _("待确认")), ("yes", _("已确认"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        return queryset


class DemocraticRecordAdminMixin(admin.ModelAdmin):
    """HR-entered records wait for staff confirmation (issue 15): the status column and
    filter, who entered and confirmed each (read-only), and the confirm action (staff)."""

    actions = ["confirm_selected"]
    list_select_related = ["enterprise", "enterprise__village", "entered_by"]

    @admin.display(description=_("已确认"), boolean=True)
    def is_confirmed(self, record) -> bool:
        return record.confirmed_at is not None

    def has_confirm_permission(self, request: HttpRequest) -> bool:
        return is_sub_district_staff(request.user)

    @admin.action(description=_("确认所选记录"), permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        confirmed = sum(
            democratic_record_confirm(user=request.user, record=record) for record in queryset
        )
        self.message_user(
            request,
            ngettext("已确认 %(count)s 条记录。", "已确认 %(count)s 条记录。", confirmed)
            % {"count": confirmed},
            messages.SUCCESS,
        )
        if confirmed == 0:
            self.message_user(request, gettext("所选记录此前均已确认。"), messages.INFO)


@admin.register(WorkersCongressSession)
class WorkersCongressSessionAdmin(DemocraticRecordAdminMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("所属村（社区）"), "enterprise__village__name"),
        (_("届次"), "session"),
        (_("召开日期"), "held_on"),
        (_("职工代表人数"), "delegates"),
    ]
    list_display = [
        "enterprise",
        "session",
        "held_on",
        "delegates",
        "enterprise__village",
        "is_confirmed",
    ]
    list_filter = [ConfirmedFilter, *ENTERPRISE_FILTERS, "held_on"]
    readonly_fields = ENTRY_READONLY
    search_fields = [*ENTERPRISE_SEARCH, "session"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["enterprise"]

    def get_queryset(self, request: HttpRequest):
        return workers_congress_sessions_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        workers_congress_session_save(user=request.user, session=obj)

    def delete_model(self, request, obj):
        workers_congress_session_delete(user=request.user, session=obj)


@admin.register(FactoryAffairsDisclosure)
class FactoryAffairsDisclosureAdmin(DemocraticRecordAdminMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("公开日期"), "disclosed_on"),
        (_("公开事项"), "subject"),
        (_("公开形式"), "channel"),
    ]
    list_display = [
        "enterprise",
        "subject",
        "channel",
        "disclosed_on",
        "enterprise__village",
        "is_confirmed",
    ]
    list_filter = [ConfirmedFilter, *ENTERPRISE_FILTERS, "channel", "disclosed_on"]
    readonly_fields = ENTRY_READONLY
    search_fields = [*ENTERPRISE_SEARCH, "subject"]
    date_hierarchy = "disclosed_on"
    autocomplete_fields = ["enterprise"]

    def get_queryset(self, request: HttpRequest):
        return factory_affairs_disclosures_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        factory_affairs_disclosure_save(user=request.user, disclosure=obj)

    def delete_model(self, request, obj):
        factory_affairs_disclosure_delete(user=request.user, disclosure=obj)


class WageContractStatusFilter(admin.SimpleListFilter):
    """Status as of today, so staff find the contracts to renew (issue 4: 60 days)."""

    title = _("合同状态（按今天）")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("in_force", _("生效中")),
            ("expiring", _("60天内到期")),
            ("expired", _("已到期")),
            ("future", _("尚未生效")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "in_force":
            return queryset.in_force_on(today)
        if self.value() == "expiring":
            return queryset.filter(pk__in=wage_contracts_expiring(today).values("pk"))
        if self.value() == "expired":
            return queryset.filter(end_date__lt=today)
        if self.value() == "future":
            return queryset.filter(start_date__gt=today)
        return queryset


@admin.register(CollectiveWageContract)
class CollectiveWageContractAdmin(DemocraticRecordAdminMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("签订日期"), "signed_on"),
        (_("生效日期"), "start_date"),
        (_("到期日期"), "end_date"),
        (_("工资增长幅度（%）"), "wage_increase_percent"),
        (_("区域性/行业性集体合同"), "covers_joint"),
    ]
    list_display = [
        "enterprise",
        "signed_on",
        "start_date",
        "end_date",
        "in_force_today",
        "wage_increase_percent",
        "covers_joint",
        "enterprise__village",
        "is_confirmed",
    ]
    list_filter = [
        WageContractStatusFilter,
        ConfirmedFilter,
        *ENTERPRISE_FILTERS,
        "covers_joint",
        "signed_on",
        "end_date",
    ]
    search_fields = ENTERPRISE_SEARCH
    date_hierarchy = "end_date"
    autocomplete_fields = ["enterprise"]
    fields = [
        "enterprise",
        "signed_on",
        ("start_date", "end_date"),
        "wage_increase_percent",
        "covers_joint",
        "notes",
        *ENTRY_READONLY,
    ]
    readonly_fields = ENTRY_READONLY

    def get_queryset(self, request: HttpRequest):
        return wage_contracts_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        collective_wage_contract_save(user=request.user, contract=obj)

    def delete_model(self, request, obj):
        collective_wage_contract_delete(user=request.user, contract=obj)

    @admin.display(description=_("今天生效"), boolean=True)
    def in_force_today(self, contract: CollectiveWageContract) -> bool:
        today: datetime.date = timezone.localdate()
        return contract.is_in_force_on(today)


class InspectionStatusFilter(admin.SimpleListFilter):
    """整改状态 as of today: the overdue list is this filter's first choice (issue 5)."""

    title = _("整改状态（按今天）")
    parameter_name = "correction"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("逾期未整改")),
            ("pending", _("期限内未整改")),
            ("closed", _("已整改销号")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue_on(today)
        if self.value() == "pending":
            return queryset.filter(is_closed=False).exclude(deadline__lt=today)
        if self.value() == "closed":
            return queryset.filter(is_closed=True)
        return queryset


@admin.register(LabourInspection)
class LabourInspectionAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("检查日期"), "inspected_on"),
        (_("问题类别"), "kind"),
        (_("检查事项"), "subject"),
        (_("检查单位/检查人"), "inspector"),
        (_("整改期限"), "deadline"),
        (_("已整改销号"), "is_closed"),
        (_("销号日期"), "closed_on"),
    ]
    list_display = [
        "enterprise",
        "inspected_on",
        "kind",
        "subject",
        "deadline",
        "is_closed",
        "overdue_today",
        "enterprise__village",
    ]
    list_filter = [
        InspectionStatusFilter,
        "kind",
        "is_closed",
        *ENTERPRISE_FILTERS,
        "inspected_on",
    ]
    search_fields = [*ENTERPRISE_SEARCH, "subject"]
    date_hierarchy = "inspected_on"
    autocomplete_fields = ["enterprise"]
    fields = [
        "enterprise",
        ("inspected_on", "inspector"),
        "kind",
        "subject",
        "findings",
        "corrections_required",
        "deadline",
        ("is_closed", "closed_on"),
    ]

    def get_queryset(self, request: HttpRequest):
        return labour_inspections_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        labour_inspection_save(user=request.user, inspection=obj)

    def delete_model(self, request, obj):
        labour_inspection_delete(user=request.user, inspection=obj)

    @admin.display(description=_("逾期"), boolean=True)
    def overdue_today(self, inspection: LabourInspection) -> bool:
        return inspection.is_overdue(timezone.localdate())
