from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.templatetags.portal import percent
from imports.admin import XlsxExportMixin
from training.models import (
    FundDeclaration,
    FundDeclarationVersion,
    FundNotice,
    FundNoticeReceipt,
    FundRule,
    FundRuleChange,
)
from training.selectors import fund_declarations_with_rates, fund_evaluation, rates_of
from training.services import fund_declaration_submit, fund_rule_save


@admin.register(FundRule)
class FundRuleAdmin(admin.ModelAdmin):
    """Staff set a year's rates; each save is kept (FundRuleChange) and touches that year only."""

    list_display = ["year", "extraction_rate", "frontline_rate", "note", "updated_by", "updated_at"]
    list_select_related = ["updated_by"]
    fields = ["year", "extraction_rate", "frontline_rate", "note", "history"]
    readonly_fields = ["history"]

    def get_readonly_fields(self, request, obj=None):
        # A rule belongs to its year: another year is another rule.
        return ["year", "history"] if obj is not None else ["history"]

    @admin.display(description=_("修改记录"))
    def history(self, obj: FundRule) -> str:
        if obj.pk is None:
            return "—"
        changes = FundRuleChange.objects.filter(year=obj.year).select_related("changed_by")
        return format_html_join(
            "",
            "<div>{} {}：{} / {} {}</div>",
            (
                (
                    c.changed_at.strftime("%Y-%m-%d %H:%M"),
                    c.changed_by.username if c.changed_by else "—",
                    percent(c.extraction_rate),
                    percent(c.frontline_rate),
                    c.note,
                )
                for c in changes
            ),
        )

    def save_model(self, request, obj, form, change):
        saved = fund_rule_save(
            user=request.user,
            year=obj.year,
            extraction_rate=obj.extraction_rate,
            frontline_rate=obj.frontline_rate,
            note=obj.note,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # history stays; set the defaults again instead


@admin.register(FundRuleChange)
class FundRuleChangeAdmin(admin.ModelAdmin):
    list_display = ["year", "extraction_rate", "frontline_rate", "note", "changed_by", "changed_at"]
    list_filter = ["year"]
    list_select_related = ["changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FundDeclarationVersionInline(admin.TabularInline):
    model = FundDeclarationVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "version",
        "payroll",
        "extracted",
        "spent",
        "frontline_spent",
        "source",
        "submitted_by",
        "submitted_at",
    )

    def get_queryset(self, request):
        # Each row shows its submitter and its own name (declaration → enterprise).
        return (
            super().get_queryset(request).select_related("declaration__enterprise", "submitted_by")
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundDeclaration)
class FundDeclarationAdmin(XlsxExportMixin, admin.ModelAdmin):
    # The columns of the training-fund import: an export uploads back with import_training_funds.
    export_columns = [
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("企业名称"), "enterprise__name"),
        (_("年度"), "year"),
        (_("职工工资总额"), "payroll"),
        (_("教育培训经费提取额"), "extracted"),
        (_("教育培训经费使用额"), "spent"),
        (_("其中一线职工使用额"), "frontline_spent"),
    ]
    list_display = [
        "enterprise",
        "year",
        "payroll",
        "extracted",
        "extraction_status",
        "frontline_status",
        "version",
        "submitted_at",
    ]
    list_filter = ["year", "source", "enterprise__village", "enterprise__is_above_scale"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    autocomplete_fields = ["enterprise"]
    fields = ["enterprise", "year", "payroll", "extracted", "spent", "frontline_spent"]
    inlines = [FundDeclarationVersionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["enterprise", "year"] if obj is not None else []

    def get_queryset(self, request):
        # Each row's year's rule comes with the row, not from a query a row.
        return fund_declarations_with_rates(super().get_queryset(request))

    def _evaluation(self, obj: FundDeclaration):
        return fund_evaluation(obj, rates_of(obj))

    @admin.display(description=_("足额提取"))
    def extraction_status(self, obj: FundDeclaration) -> str:
        e = self._evaluation(obj)
        return str(_("达标")) if e.extraction_compliant else "%s %s" % (_("缺口"), e.shortfall)

    @admin.display(description=_("一线达标"))
    def frontline_status(self, obj: FundDeclaration) -> str:
        e = self._evaluation(obj)
        if e.frontline_compliant is None:
            return str(_("不适用"))
        return str(_("达标")) if e.frontline_compliant else str(_("不足"))

    def save_model(self, request, obj, form, change):
        # Through the service: a change becomes a new version and the old one is kept.
        saved, _changed = fund_declaration_submit(
            user=request.user,
            enterprise=obj.enterprise,
            year=obj.year,
            payroll=obj.payroll,
            extracted=obj.extracted,
            spent=obj.spent,
            frontline_spent=obj.frontline_spent,
            source=FundDeclaration.Source.ADMIN,
        )
        obj.pk = saved.pk

    def save_formset(self, request, form, formset, change):
        pass  # versions are written by the service only


class FundNoticeReceiptInline(admin.TabularInline):
    model = FundNoticeReceipt
    extra = 0
    can_delete = False
    fields = readonly_fields = ("user", "read_at")

    def get_queryset(self, request):
        # Each row shows its reader and its own name (notice → enterprise).
        return super().get_queryset(request).select_related("notice__enterprise", "user")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundNotice)
class FundNoticeAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "sent_by", "sent_at", "read_count"]
    list_filter = ["year"]
    list_select_related = ["enterprise", "sent_by"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    readonly_fields = ["enterprise", "year", "message", "sent_by", "sent_at"]
    inlines = [FundNoticeReceiptInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(readers=Count("receipts"))

    @admin.display(description=_("已读人数"), ordering="readers")
    def read_count(self, obj: FundNotice) -> int:
        return obj.readers  # type: ignore[attr-defined]

    def has_add_permission(self, request):
        return False  # notices are sent from the compliance list (培训经费 → 达标情况)
