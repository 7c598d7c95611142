from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin, user_column
from core.periods import Quarter
from core.services import record_delete
from reports.models import (
    BaselinePeriod,
    FigureTarget,
    ReportDownload,
    ReportNarrative,
    ReportRun,
)
from reports.selectors import FIGURE_LABELS
from reports.services import baseline_period_save, figure_target_save, report_request
from reports.targets import baseline_period_check, target_keys, target_value_check
from reports.targets import display as target_display


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ReportRun.Kind.choices)
    period = forms.CharField(label=_("期间"), help_text=_("季度如 2026Q4，月度如 2026-11"))


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = [
        "period",
        "kind",
        "version",
        "is_current",
        "status",
        "stage",
        "requested_by_name",
        "requested_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "is_current"]
    list_select_related = ["requested_by"]
    requested_by_name = user_column(ReportRun, "requested_by")
    readonly_fields = [f.name for f in ReportRun._meta.fields]
    actions = ["rerun"]
    change_list_template = "admin/reports/reportrun/change_list.html"

    def has_add_permission(self, request):
        return False  # through 生成报告: a request, built by Celery

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "request/",
                self.admin_site.admin_view(self.request_view),
                name="reports_reportrun_request",
            ),
            *super().get_urls(),
        ]

    def request_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm(
            "reports.add_reportrun"
        ):
            raise PermissionDenied
        form = ReportRequestForm(
            request.POST or None, initial={"period": str(Quarter.of(timezone.localdate()))}
        )
        if request.method == "POST" and form.is_valid():
            try:
                run = report_request(
                    kind=form.cleaned_data["kind"],
                    period=form.cleaned_data["period"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error("period", exc)
            else:
                messages.success(
                    request,
                    gettext("已提交 %(run)s 的生成请求，完成后可在列表中下载。") % {"run": run},
                )
                return redirect("admin:reports_reportrun_changelist")
        return render(
            request,
            "admin/reports/reportrun/request.html",
            {**self.admin_site.each_context(request), "form": form, "title": _("生成进展报告")},
        )

    @admin.action(description=_("重新生成所选报告（保留原版本）"))
    def rerun(self, request, queryset):
        refused = 0
        for run in queryset:
            try:
                report_request(kind=run.kind, period=run.period, user=request.user)
            except ValidationError as exc:  # a period that has not started
                refused += 1
                for message in exc.messages:
                    messages.error(request, message)
        if refused < len(queryset):
            messages.success(request, gettext("已提交重新生成的请求。"))


@admin.register(ReportDownload)
class ReportDownloadAdmin(admin.ModelAdmin):
    list_display = ["run", "user_name", "downloaded_at"]
    list_select_related = ["run", "user"]
    user_name = user_column(ReportDownload, "user")
    list_filter = ["downloaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(ReadOnlyModelAdmin):
    """The written progress section's versions, read-only: staff write and publish them on the
    report pages (reports.services.report_narrative_save / _publish), where a published version
    is never edited but followed by the next one."""

    list_display = [
        "period",
        "kind",
        "version",
        "status",
        "created_by_name",
        "created_at",
        "published_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    search_fields = ["period"]
    created_by_name = user_column(ReportNarrative, "created_by")
    published_by_name = user_column(ReportNarrative, "published_by")
    fields = (
        "kind",
        "period",
        "version",
        "status",
        "work_done",
        "problems",
        "next_steps",
        "created_by_name",
        "created_at",
        "updated_at",
        "published_by_name",
        "published_at",
    )
    readonly_fields = fields


# --- targets and the baseline (issue 15): staff only, written through the services ------------


class FigureTargetForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("指标"), choices=())

    class Meta:
        model = FigureTarget
        fields = ["key", "year", "value", "notes"]
        help_texts = {
            "value": _("比例类指标填 0 至 1 之间的小数（0.85 即 85%），人数、企业数填整数。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", "---------"), *target_keys()]

    def clean(self):
        cleaned = super().clean()
        key, value = cleaned.get("key"), cleaned.get("value")
        if key and value is not None:
            try:
                target_value_check(key, value)
            except ValidationError as exc:
                self.add_error("value", exc)
        return cleaned


@admin.register(FigureTarget)
class FigureTargetAdmin(admin.ModelAdmin):
    form = FigureTargetForm
    list_display = ["year", "figure", "key", "shown_value", "notes", "updated_at"]
    list_filter = ["year"]
    search_fields = ["key", "notes"]

    @admin.display(description=_("指标"), ordering="key")
    def figure(self, obj: FigureTarget) -> str:
        return str(FIGURE_LABELS.get(obj.key, obj.key))

    @admin.display(description=_("目标值"), ordering="value")
    def shown_value(self, obj: FigureTarget) -> str:
        return target_display(obj.key, obj.value)

    def save_model(self, request, obj, form, change):
        figure_target_save(user=request.user, target=obj)

    def delete_model(self, request, obj):
        record_delete(actor=request.user, instance=obj, action="report.target_deleted")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class BaselinePeriodForm(forms.ModelForm):
    class Meta:
        model = BaselinePeriod
        fields = ["kind", "period", "is_current", "notes"]
        help_texts = {
            "period": _("季度报告如 2021Q3，月度报告如 2021-07"),
            "is_current": _("勾选后，原当前基期自动取消。"),
        }

    def clean(self):
        cleaned = super().clean()
        kind, period = cleaned.get("kind"), cleaned.get("period")
        if kind and period:
            try:
                cleaned["period"] = baseline_period_check(kind, period)
            except ValidationError as exc:
                self.add_error("period", exc)
        return cleaned

    def _get_validation_exclusions(self):
        # Skips the one-current-baseline-per-kind constraint here (the form's choice field
        # checks the kind): the service un-marks the previous current one, then checks it all.
        return {*super()._get_validation_exclusions(), "kind"}


@admin.register(BaselinePeriod)
class BaselinePeriodAdmin(admin.ModelAdmin):
    form = BaselinePeriodForm
    list_display = ["period", "kind", "is_current", "notes", "created_at"]
    list_filter = ["kind", "is_current"]

    def save_model(self, request, obj, form, change):
        baseline_period_save(user=request.user, baseline=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # the history of baselines stays; mark another one current instead
