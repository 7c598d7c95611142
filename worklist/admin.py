from django.contrib import admin

from worklist.models import FeedbackAttachment, Milestone, OwnerUnit, ReformTask, TaskFeedback


@admin.register(OwnerUnit)
class OwnerUnitAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1


@admin.register(ReformTask)
class ReformTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "section", "deadline"]
    list_filter = ["section", "owner_units"]
    search_fields = ["code", "title"]
    filter_horizontal = ["owner_units"]
    inlines = [MilestoneInline]


class FeedbackAttachmentInline(admin.TabularInline):
    model = FeedbackAttachment
    extra = 0


@admin.register(TaskFeedback)
class TaskFeedbackAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "reported_on", "percent", "author"]
    list_filter = ["unit", "reported_on"]
    list_select_related = ["task", "unit", "author"]
    readonly_fields = ["author"]
    inlines = [FeedbackAttachmentInline]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
