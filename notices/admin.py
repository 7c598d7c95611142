"""Staff write, publish and follow up 通知公告 here (issue 16): every write goes through
notices.services, and each notice shows which addressed enterprises have read it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.accounts import person_name
from core.admin import ServiceModelAdmin
from notices.models import Notice, NoticeAttachment
from notices.selectors import notice_receipts, notices_visible_to, with_read_counts
from notices.services import (
    attachment_check,
    notice_attachment_delete,
    notice_attachment_save,
    notice_delete,
    notice_publish,
    notice_save,
)

# The fields that say who a notice is for: fixed once it is published (notices.services).
AUDIENCE_FORM_FIELDS = ["audience", "village", "park", "enterprises"]


class NoticeAttachmentForm(forms.ModelForm):
    class Meta:
        model = NoticeAttachment
        fields = ["file"]
        # Stored files are not served as media: a kept one is downloaded through its link
        # (notices:attachment), so the widget does not show the stored path.
        widgets = {"file": forms.FileInput}
        help_texts = {"file": _("文档（PDF、Word、Excel 等）或图片，每个不超过 20 MB。")}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            try:
                attachment_check(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["file"]) from error
        return upload


class NoticeAttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    form = NoticeAttachmentForm
    extra = 1
    fields = ["file", "download"]
    readonly_fields = ["download"]

    @admin.display(description=_("文件名"))
    def download(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("notices:attachment", args=[obj.pk]), obj.original_name
        )


class PublishedFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("1", _("已发布")), ("0", _("草稿"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(published_at__isnull=False)
        if self.value() == "0":
            return queryset.filter(published_at__isnull=True)
        return queryset


@admin.register(Notice)
class NoticeAdmin(ServiceModelAdmin):
    change_form_template = "admin/notices/notice/change_form.html"
    list_display = ["title", "audience_shown", "status", "reads", "author"]
    list_filter = [PublishedFilter, "audience"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["village", "park", "enterprises"]
    inlines = [NoticeAttachmentInline]
    actions = ["publish_selected"]

    def get_queryset(self, request):
        return with_read_counts(notices_visible_to(request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["help_texts"] = {
            "village": _("发送范围为“某村（社区）的企业”时必选。"),
            "park": _("发送范围为“某园区的企业”时必选。"),
            "enterprises": _(
                "发送范围为“指定企业”时至少选一家，可输入企业名称或统一社会信用代码查找。"
            ),
            "body": _("发布后，发送范围内企业的人事在“通知公告”中看到，打开即记为已读。"),
        }
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = ["title", "body", *AUDIENCE_FORM_FIELDS, "published_at", "author"]
        if obj is not None and obj.published_at is not None:
            fields.append("receipt_table")
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = ["published_at", "author", "receipt_table"]
        if obj is not None and obj.published_at is not None:
            fields += AUDIENCE_FORM_FIELDS
        return fields

    @admin.display(description=_("发送范围"), ordering="audience")
    def audience_shown(self, obj):
        if obj.audience == Notice.Audience.VILLAGE and obj.village is not None:
            return "%s（%s）" % (obj.get_audience_display(), obj.village.name)
        if obj.audience == Notice.Audience.PARK and obj.park is not None:
            return "%s（%s）" % (obj.get_audience_display(), obj.park.name)
        return obj.get_audience_display()

    @admin.display(description=_("发布人"), ordering="created_by")
    def author(self, obj):
        return format_html('<span class="nowrap">{}</span>', person_name(obj.created_by) or "—")

    @admin.display(description=_("状态"), ordering="published_at")
    def status(self, obj):
        if obj.published_at is None:
            return gettext("草稿")
        local = timezone.localtime(obj.published_at)
        return format_html(
            '<span class="nowrap">{}</span>',
            gettext("%(time)s 发布") % {"time": local.strftime("%Y-%m-%d %H:%M")},
        )

    @admin.display(description=_("阅读情况"))
    def reads(self, obj):
        if obj.published_at is None:
            return "—"
        return format_html(
            '<span class="nowrap">{}</span>',
            gettext("已读 %(read)s / 应读 %(addressed)s")
            % {"read": obj.read_count, "addressed": obj.addressed_count},
        )

    @admin.display(description=_("阅读回执"))
    def receipt_table(self, obj):
        if obj is None or obj.pk is None or obj.published_at is None:
            return "—"
        rows = notice_receipts(obj)
        read = sum(1 for row in rows if row.receipts)
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.enterprise.name,
                    "、".join(person_name(receipt.user) for receipt in row.receipts)
                    or gettext("未读"),
                    timezone.localtime(row.read_at).strftime("%Y-%m-%d %H:%M")
                    if row.read_at
                    else "—",
                )
                for row in rows
            ),
        )
        return format_html(
            '<p id="notice-read-summary">{}</p><div class="table-responsive">'
            '<table id="notice-receipts"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table></div>",
            gettext("已读 %(read)s / 应读 %(addressed)s（未读的企业在前）")
            % {"read": read, "addressed": len(rows)},
            gettext("企业"),
            gettext("阅读人"),
            gettext("首次阅读时间"),
            body,
        )

    def save_model(self, request, obj, form, change):
        enterprises = form.cleaned_data.get("enterprises") if "enterprises" in form.fields else None
        notice_save(user=request.user, notice=obj, enterprises=enterprises)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request,
            formset,
            save=notice_attachment_save,
            delete=notice_attachment_delete,
            row="attachment",
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # 保存并发布: published once its attachments are saved, in the same transaction.
        if "_publish" in request.POST:
            notice_publish(user=request.user, notice=form.instance)

    def response_add(self, request, obj, post_url_continue=None):
        self._published_message(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._published_message(request, obj)
        return super().response_change(request, obj)

    def _published_message(self, request, obj):
        if "_publish" in request.POST and obj.published_at is not None:
            self.message_user(request, gettext("通知已发布，所选企业的人事现在可以看到。"))

    def delete_model(self, request, obj):
        notice_delete(user=request.user, notice=obj)

    @admin.action(description=_("发布所选通知"), permissions=["change"])
    def publish_selected(self, request, queryset):
        drafts = [notice for notice in queryset if notice.published_at is None]
        for notice in drafts:
            notice_publish(user=request.user, notice=notice)
        self.message_user(
            request,
            ngettext("已发布 %(count)s 条通知。", "已发布 %(count)s 条通知。", len(drafts))
            % {"count": len(drafts)},
            messages.SUCCESS,
        )
