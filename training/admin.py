import datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin, ServiceModelAdmin, user_column, year_filter
from core.templatetags.portal import percent, yuan
from imports.admin import ExportColumn, XlsxExportMixin
from training.models import (
    DEFAULT_EXTRACTION_RATE,
    DEFAULT_FRONTLINE_RATE,
    Competition,
    CompetitionResult,
    Course,
    FundDeclaration,
    FundDeclarationVersion,
    FundNotice,
    FundNoticeReceipt,
    FundRule,
    FundRuleChange,
    InstituteCheck,
    InstituteCriterion,
    SchoolEnterpriseCooperation,
    TrainingInstitute,
    TrainingRecord,
)
from training.selectors import (
    fund_declarations_with_rates,
    fund_evaluation,
    institute_standings,
    institutes_falling_short,
    rates_of,
)
from training.services import (
    competition_delete,
    competition_result_delete,
    competition_result_save,
    competition_save,
    course_delete,
    course_save,
    fund_declaration_submit,
    fund_rule_save,
    institute_check_delete,
    institute_check_save,
    institute_criterion_delete,
    institute_criterion_save,
    school_enterprise_cooperation_delete,
    school_enterprise_cooperation_save,
    training_institute_delete,
    training_institute_save,
    training_record_delete,
    training_record_save,
)
from workers.admin import FullIdExportMixin, PersonalDataGuardMixin


@admin.register(FundRule)
class FundRuleAdmin(admin.ModelAdmin):
    """Staff set a year's rates; each save is kept (FundRuleChange) and touches that year only."""

    list_display = [
        "year",
        "extraction_rate_shown",
        "frontline_rate_shown",
        "note",
        "updated_by_name",
        "updated_at",
    ]
    list_select_related = ["updated_by"]
    updated_by_name = user_column(FundRule, "updated_by")
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

    @admin.display(description=_("提取比例"), ordering="extraction_rate")
    def extraction_rate_shown(self, obj: FundRule) -> str:
        return _whole_percent(obj.extraction_rate)

    @admin.display(description=_("一线职工使用比例"), ordering="frontline_rate")
    def frontline_rate_shown(self, obj: FundRule) -> str:
        return _whole_percent(obj.frontline_rate)

    def changelist_view(self, request, extra_context=None):
        # An empty list would read as "no rule at all": say which rates apply (DOMAIN.md).
        if request.method == "GET" and not FundRule.objects.exists():
            messages.info(
                request,
                gettext(
                    "还没有设置任何年度的经费规则，各年度均按默认比例判断：教育培训经费提取额不低于"
                    "职工工资总额的 %(extraction)s，其中一线职工使用额不低于使用额的 "
                    "%(frontline)s。如某年度比例不同，请点击右上角“增加”设置该年度的规则。"
                )
                % {
                    "extraction": _whole_percent(DEFAULT_EXTRACTION_RATE),
                    "frontline": _whole_percent(DEFAULT_FRONTLINE_RATE),
                },
            )
        return super().changelist_view(request, extra_context)


def _whole_percent(rate: Decimal) -> str:
    """0.0800 → "8%", 0.0850 → "8.5%": a rule's rate as people say it."""
    return "%s%%" % format((rate * 100).normalize(), "f")


def _money_column(field: str, label: Any) -> Any:
    """A read-only amount with thousands separators (40,000,000.00), as the portal shows it."""

    @admin.display(description=label, ordering=field)
    def shown(self: Any, obj: Any) -> str:
        return yuan(getattr(obj, field))

    shown.__name__ = "%s_shown" % field
    return shown


@admin.register(FundRuleChange)
class FundRuleChangeAdmin(ReadOnlyModelAdmin):
    list_display = [
        "year",
        "extraction_rate",
        "frontline_rate",
        "note",
        "changed_by_name",
        "changed_at",
    ]
    list_filter = ["year"]
    list_select_related = ["changed_by"]
    changed_by_name = user_column(FundRuleChange, "changed_by")


class FundDeclarationVersionInline(admin.TabularInline):
    model = FundDeclarationVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "version",
        "payroll_shown",
        "extracted_shown",
        "spent_shown",
        "frontline_spent_shown",
        "source",
        "submitted_by",
        "submitted_at",
    )
    payroll_shown = _money_column("payroll", _("职工工资总额"))
    extracted_shown = _money_column("extracted", _("提取额"))
    spent_shown = _money_column("spent", _("使用额"))
    frontline_spent_shown = _money_column("frontline_spent", _("其中一线"))

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
        "payroll_shown",
        "extracted_shown",
        "extraction_rate_shown",
        "extraction_status",
        "frontline_share_shown",
        "frontline_status",
        "version",
        "submitted_at",
    ]
    payroll_shown = _money_column("payroll", _("职工工资总额"))
    extracted_shown = _money_column("extracted", _("提取额"))
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

    @admin.display(description=_("提取比例"))
    def extraction_rate_shown(self, obj: FundDeclaration) -> str:
        # Truncated, never rounded up to the rule's rate beside 不足 (core.rates).
        return self._evaluation(obj).extraction_rate_shown

    @admin.display(description=_("一线占比"))
    def frontline_share_shown(self, obj: FundDeclaration) -> str:
        return self._evaluation(obj).frontline_share_shown

    @admin.display(description=_("足额提取"))
    def extraction_status(self, obj: FundDeclaration) -> str:
        e = self._evaluation(obj)
        if e.extraction_compliant:
            return str(_("达标"))
        return "%s，%s %s" % (_("不足"), _("缺口"), yuan(e.shortfall))

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
    list_display = ["enterprise", "year", "sent_by_name", "sent_at", "read_count"]
    list_filter = ["year"]
    list_select_related = ["enterprise", "sent_by"]
    sent_by_name = user_column(FundNotice, "sent_by")
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


# ----------------------------------------------------------------------------------------------
# Skills and lifelong learning (seed measures 4–7): staff keep the registers here, every write
# through training.services. Staff only: no other role holds a permission on these models.


@admin.register(InstituteCriterion)
class InstituteCriterionAdmin(ServiceModelAdmin):
    """The "六个有" list: staff rename, reorder and retire criteria (a retired one keeps its
    checks and no longer counts); order and 启用 are edited in the list."""

    list_display = ["name", "description", "order", "is_active", "check_count"]
    list_display_links = ["name"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # A grouped query drops Meta.ordering: the list and the autocomplete keep it.
        return (
            super()
            .get_queryset(request)
            .annotate(checks_total=Count("checks"))
            .order_by("order", "pk")
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == InstituteCheck._meta.model_name:
            # The check inline's autocomplete: institutes are checked against the active list.
            queryset = queryset.filter(is_active=True)
        return queryset, distinct

    @admin.display(description=_("核查记录数"), ordering="checks_total")
    def check_count(self, criterion: InstituteCriterion) -> int:
        return criterion.checks_total  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        institute_criterion_save(user=request.user, criterion=obj)

    def delete_model(self, request, obj):
        institute_criterion_delete(user=request.user, criterion=obj)


class InstituteCheckInline(admin.TabularInline):
    model = InstituteCheck
    # The criterion by autocomplete: a select in every row would read the criteria once a row.
    autocomplete_fields = ["criterion"]
    fields = ["criterion", "is_met", "evidence", "checked_on", "checked_by"]
    # Whoever saves a check is its checker (training.services.institute_check_save).
    readonly_fields = ["checked_by"]
    verbose_name_plural = _("“六个有”核查（填写核查日期即为已核查；未填写的标准按未核查计）")

    def get_queryset(self, request):
        # Each row's name (institute · criterion) and checker come with the row.
        return super().get_queryset(request).select_related("institute", "criterion", "checked_by")

    def _unchecked(self, obj: TrainingInstitute | None) -> list[InstituteCriterion]:
        criteria = InstituteCriterion.objects.filter(is_active=True).order_by("order", "pk")
        if obj is not None and obj.pk:
            criteria = criteria.exclude(checks__institute=obj)
        return list(criteria)

    def get_extra(self, request, obj=None, **kwargs):
        # A blank row for every active criterion the institute has not been checked against.
        return len(self._unchecked(obj))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The same on the page and on its POST: a row left as shown (no date, nothing ticked)
        # is unchanged, so it is not saved and the criterion stays "not checked".
        initial = [{"criterion": criterion.pk} for criterion in self._unchecked(obj)]

        class WithUncheckedCriteria(formset):  # type: ignore[misc, valid-type]
            def __init__(self, *args, **kw):
                kw.setdefault("initial", initial)
                super().__init__(*args, **kw)

        return WithUncheckedCriteria


class InstituteStandardFilter(admin.SimpleListFilter):
    title = _("“六个有”达标情况")
    parameter_name = "standard"

    def lookups(self, request, model_admin):
        return [("1", _("达标")), ("0", _("未达标"))]

    def queryset(self, request, queryset):
        if self.value() not in ("0", "1"):
            return queryset
        short = [standing.institute.pk for standing in institutes_falling_short()]
        if self.value() == "1":
            return queryset.exclude(pk__in=short)
        return queryset.filter(pk__in=short)


class InstituteChangeList(ChangeList):
    """The page's institutes with their standing from one evaluation of every institute
    (training.selectors.institute_standings), not a query a row."""

    def get_results(self, request):
        super().get_results(request)
        standings = {standing.institute.pk: standing for standing in institute_standings()}
        self.result_list = list(self.result_list)
        for institute in self.result_list:
            institute.standing = standings.get(institute.pk)


@admin.register(TrainingInstitute)
class TrainingInstituteAdmin(ServiceModelAdmin):
    list_display = ["name", "kind", "enterprise", "meets_standard", "shortfalls"]
    list_filter = [InstituteStandardFilter, "kind"]
    list_select_related = ["enterprise"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    fields = ["name", "kind", "enterprise", "address", "contact", "established_on", "remarks"]
    inlines = [InstituteCheckInline]

    def get_changelist(self, request, **kwargs):
        return InstituteChangeList

    @admin.display(description=_("是否达到“六个有”"), boolean=True)
    def meets_standard(self, institute: TrainingInstitute) -> bool | None:
        standing = getattr(institute, "standing", None)
        return None if standing is None else standing.meets_standard

    @admin.display(description=_("未达到的标准"))
    def shortfalls(self, institute: TrainingInstitute) -> str:
        standing = getattr(institute, "standing", None)
        if standing is None or standing.meets_standard:
            return "—"
        not_checked = gettext("未核查")
        return "、".join(
            "%s（%s）" % (s.criterion, not_checked) if s.reason == "not_checked" else s.criterion
            for s in standing.shortfalls
        )

    def save_model(self, request, obj, form, change):
        training_institute_save(user=request.user, institute=obj)

    def delete_model(self, request, obj):
        training_institute_delete(user=request.user, institute=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request,
            formset,
            save=institute_check_save,
            delete=institute_check_delete,
            row="check",
        )


def _in_force_during(year: int) -> Q:
    return Q(starts_on__lte=datetime.date(year, 12, 31)) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=datetime.date(year, 1, 1))
    )


def _in_force_on(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class CooperationYearFilter(admin.SimpleListFilter):
    """Agreements in force at some time of the year."""

    title = _("合作年度")
    parameter_name = "in_force_year"

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(
            first=Min("starts_on"), last=Max("ends_on")
        )
        if span["first"] is None:
            return []
        this_year = timezone.localdate().year
        last = max(this_year, span["last"].year if span["last"] else this_year)
        return [(str(year), "%d" % year) for year in range(last, span["first"].year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(_in_force_during(int(value)))
        return queryset


class CooperationStatusFilter(admin.SimpleListFilter):
    title = _("合作状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("有效")), ("ended", _("已到期")), ("future", _("未开始"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(_in_force_on(today))
        if self.value() == "ended":
            return queryset.filter(ends_on__lt=today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        return queryset


@admin.register(SchoolEnterpriseCooperation)
class SchoolEnterpriseCooperationAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("学校"), "school"),
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("开始日期"), "starts_on"),
        (_("结束日期"), "ends_on"),
        (_("合作内容"), "content"),
        (_("协议编号"), "agreement_number"),
    ]
    list_display = [
        "school",
        "enterprise",
        "starts_on",
        "ends_on",
        "is_current",
        "agreement_number",
    ]
    list_filter = [CooperationStatusFilter, CooperationYearFilter]
    list_select_related = ["enterprise", "institute"]
    search_fields = ["school", "enterprise__name", "=enterprise__uscc", "agreement_number"]
    autocomplete_fields = ["enterprise", "institute"]
    fields = [
        "school",
        "institute",
        "enterprise",
        "starts_on",
        "ends_on",
        "content",
        "agreement_number",
    ]

    @admin.display(description=_("当前有效"), boolean=True)
    def is_current(self, cooperation: SchoolEnterpriseCooperation) -> bool:
        today = timezone.localdate()
        return cooperation.starts_on <= today and (
            cooperation.ends_on is None or cooperation.ends_on >= today
        )

    def save_model(self, request, obj, form, change):
        school_enterprise_cooperation_save(user=request.user, cooperation=obj)

    def delete_model(self, request, obj):
        school_enterprise_cooperation_delete(user=request.user, cooperation=obj)


def _institute_of(course: Course) -> str:
    institute = course.institute
    return institute.name if institute is not None else course.institute_name


@admin.register(Course)
class CourseAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("培训项目"), "name"),
        (_("开始日期"), "starts_on"),
        (_("结束日期"), "ends_on"),
        (_("培训方式"), "mode"),
        ExportColumn(_("培训机构"), _institute_of, text=True, width=30),
        (_("职业（工种）"), "occupation"),
        (_("计划学时"), "hours"),
        ExportColumn(_("培训人次"), lambda course: course.records_total),
    ]
    list_display = [
        "name",
        "starts_on",
        "ends_on",
        "mode",
        "institute_display",
        "occupation",
        "hours",
        "record_count",
    ]
    list_filter = [year_filter("starts_on", _("开始年度")), "mode", "institute"]
    list_select_related = ["institute"]
    search_fields = ["name", "occupation", "institute__name", "institute_name"]
    autocomplete_fields = ["institute"]
    fields = [
        "name",
        "starts_on",
        "ends_on",
        "mode",
        "institute",
        "institute_name",
        "occupation",
        "hours",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(records_total=Count("records"))
            .order_by("-starts_on", "name")
        )

    def get_export_queryset(self, request, queryset):
        return super().get_export_queryset(request, queryset).select_related("institute")

    @admin.display(description=_("培训机构"), ordering="institute__name")
    def institute_display(self, course: Course) -> str:
        return _institute_of(course) or "—"

    @admin.display(description=_("培训人次"), ordering="records_total")
    def record_count(self, course: Course) -> int:
        return course.records_total  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        course_save(user=request.user, course=obj)

    def delete_model(self, request, obj):
        course_delete(user=request.user, course=obj)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(
    PersonalDataGuardMixin, FullIdExportMixin, XlsxExportMixin, ServiceModelAdmin
):
    # The columns of the 培训记录 import: an export uploads back with import_training_records.
    export_columns = [
        ExportColumn(_("身份证号"), "worker__id_number", personal=True),
        (_("姓名"), "worker__name"),
        (_("培训项目"), "course__name"),
        (_("开始日期"), "starts_on"),
        (_("结束日期"), "ends_on"),
        (_("学时"), "hours"),
        (_("培训方式"), "mode"),
        (_("培训机构"), "institute_name"),
        (_("是否结业"), "is_completed"),
    ]
    list_display = [
        "worker_name",
        "course",
        "starts_on",
        "ends_on",
        "hours",
        "mode",
        "is_completed",
        "source",
        "enterprise",
    ]
    list_filter = [
        year_filter("starts_on", _("培训年度")),
        "mode",
        "is_completed",
        "source",
    ]
    list_select_related = ["worker", "course", "enterprise"]
    # By name only: an ID number is never a search here (PersonalDataGuardMixin).
    search_fields = ["course__name", "worker__name"]
    autocomplete_fields = ["course", "worker"]
    fields = [
        "course",
        "worker",
        "starts_on",
        "ends_on",
        "hours",
        "mode",
        "institute_name",
        "is_completed",
        "source",
        "enterprise",
    ]
    # The start date is the course's; where the record came from is not edited.
    readonly_fields = ["starts_on", "source", "enterprise"]

    @admin.display(description=_("姓名"), ordering="worker__name")
    def worker_name(self, record: TrainingRecord) -> str:
        return record.worker.name

    def save_model(self, request, obj, form, change):
        training_record_save(user=request.user, record=obj)

    def delete_model(self, request, obj):
        training_record_delete(user=request.user, record=obj)


class CompetitionResultInline(admin.TabularInline):
    model = CompetitionResult
    extra = 0
    autocomplete_fields = ["worker"]
    fields = ["worker", "prize", "occupation", "source"]
    readonly_fields = ["source"]

    def get_queryset(self, request):
        # Each row's name (worker · competition) comes with the row.
        return super().get_queryset(request).select_related("worker", "competition")


@admin.register(Competition)
class CompetitionAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("竞赛名称"), "name"),
        (_("竞赛级别"), "level"),
        (_("举办日期"), "held_on"),
        (_("职业（工种）"), "occupation"),
        (_("主办单位"), "organiser"),
        ExportColumn(_("参赛人数"), lambda competition: competition.results_total),
        ExportColumn(_("获奖人数"), lambda competition: competition.prizes_total),
    ]
    list_display = [
        "name",
        "level",
        "held_on",
        "occupation",
        "organiser",
        "result_count",
        "prize_count",
    ]
    list_filter = [year_filter("held_on", _("举办年度")), "level"]
    search_fields = ["name", "organiser", "occupation"]
    fields = ["name", "level", "held_on", "occupation", "organiser"]
    inlines = [CompetitionResultInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                results_total=Count("results"),
                prizes_total=Count("results", filter=Q(results__is_prize=True)),
            )
            .order_by("-held_on", "name")
        )

    @admin.display(description=_("参赛人数"), ordering="results_total")
    def result_count(self, competition: Competition) -> int:
        return competition.results_total  # type: ignore[attr-defined]

    @admin.display(description=_("获奖人数"), ordering="prizes_total")
    def prize_count(self, competition: Competition) -> int:
        return competition.prizes_total  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        competition_save(user=request.user, competition=obj)

    def delete_model(self, request, obj):
        competition_delete(user=request.user, competition=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request,
            formset,
            save=competition_result_save,
            delete=competition_result_delete,
            row="result",
        )


def _prize_text(result: CompetitionResult) -> str:
    return result.prize or gettext("参赛")


@admin.register(CompetitionResult)
class CompetitionResultAdmin(
    PersonalDataGuardMixin, FullIdExportMixin, XlsxExportMixin, ServiceModelAdmin
):
    # The columns of the 技能竞赛成绩 import (blank 获奖等次 = took part).
    export_columns = [
        (_("竞赛名称"), "competition__name"),
        (_("竞赛级别"), "competition__level"),
        (_("举办日期"), "held_on"),
        ExportColumn(_("身份证号"), "worker__id_number", personal=True),
        (_("姓名"), "worker__name"),
        (_("获奖等次"), "prize"),
        (_("职业（工种）"), "occupation"),
    ]
    list_display = [
        "worker_name",
        "competition",
        "competition_level",
        "held_on",
        "prize_display",
        "is_prize",
        "source",
    ]
    list_filter = [
        year_filter("held_on", _("举办年度")),
        "competition__level",
        "is_prize",
        "source",
    ]
    list_select_related = ["worker", "competition"]
    search_fields = ["worker__name", "competition__name"]
    autocomplete_fields = ["competition", "worker"]
    fields = ["competition", "worker", "prize", "occupation", "held_on", "source"]
    readonly_fields = ["held_on", "source"]

    @admin.display(description=_("姓名"), ordering="worker__name")
    def worker_name(self, result: CompetitionResult) -> str:
        return result.worker.name

    @admin.display(description=_("竞赛级别"), ordering="competition__level")
    def competition_level(self, result: CompetitionResult) -> str:
        return result.competition.get_level_display()

    @admin.display(description=_("获奖等次"), ordering="prize")
    def prize_display(self, result: CompetitionResult) -> str:
        return _prize_text(result)

    def save_model(self, request, obj, form, change):
        competition_result_save(user=request.user, result=obj)

    def delete_model(self, request, obj):
        competition_result_delete(user=request.user, result=obj)
