from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin, user_column
from imports.admin import XlsxExportMixin
from worklist.models import FeedbackAttachment, Milestone, OwnerUnit, ReformTask, TaskFeedback
from worklist.services import (
    feedback_attachment_delete,
    feedback_attachment_save,
    milestone_delete,
    milestone_save,
    owner_unit_delete,
    owner_unit_save,
    reform_task_delete,
    reform_task_save,
    task_feedback_delete,
    task_feedback_save,
)


@admin.register(OwnerUnit)
class OwnerUnitAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [(_("单位名称"), "name")]
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def save_model(self, request, obj, form, change):
        owner_unit_save(user=request.user, unit=obj, members=form.cleaned_data.get("members"))

    def delete_model(self, request, obj):
        owner_unit_delete(user=request.user, unit=obj)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1


@admin.register(ReformTask)
class ReformTaskAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("编号"), "code"),
        (_("所属部分"), "section"),
        (_("任务"), "title"),
        (_("完成期限"), "deadline"),
    ]
    list_display = ["code", "title", "section", "deadline"]
    list_filter = ["section", "owner_units"]
    search_fields = ["code", "title"]
    filter_horizontal = ["owner_units"]
    inlines = [MilestoneInline]

    def save_model(self, request, obj, form, change):
        reform_task_save(
            user=request.user, task=obj, owner_units=form.cleaned_data.get("owner_units")
        )

    def delete_model(self, request, obj):
        reform_task_delete(user=request.user, task=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request, formset, save=milestone_save, delete=milestone_delete, row="milestone"
        )


class FeedbackAttachmentInline(admin.TabularInline):
    model = FeedbackAttachment
    extra = 0


@admin.register(TaskFeedback)
class TaskFeedbackAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("任务编号"), "task__code"),
        (_("任务"), "task__title"),
        (_("反馈单位"), "unit__name"),
        (_("反馈日期"), "reported_on"),
        (_("完成进度（%）"), "percent"),
        (_("进展情况"), "text"),
    ]
    list_display = ["task", "unit", "reported_on", "percent", "author_name"]
    list_filter = ["unit", "reported_on"]
    list_select_related = ["task", "unit", "author"]
    author_name = user_column(TaskFeedback, "author")
    readonly_fields = ["author"]
    inlines = [FeedbackAttachmentInline]

    def save_model(self, request, obj, form, change):
        task_feedback_save(user=request.user, feedback=obj)

    def delete_model(self, request, obj):
        task_feedback_delete(user=request.user, feedback=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request,
            formset,
            save=feedback_attachment_save,
            delete=feedback_attachment_delete,
            row="attachment",
        )
