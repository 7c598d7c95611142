from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.periods import Quarter
from reports.models import ReportDownload, ReportRun
from reports.services import report_request


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
        "requested_by",
        "requested_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "is_current"]
    list_select_related = ["requested_by"]
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
    list_display = ["run", "user", "downloaded_at"]
    list_select_related = ["run", "user"]
    list_filter = ["downloaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
