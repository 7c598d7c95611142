"""Writes of 通知公告 (issue 16): staff write and publish notices with attachments in the admin;
an HR user opening a notice is its enterprise's read receipt."""

import os
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import is_sub_district_staff
from core.services import audit_record, record_delete, record_save
from enterprises.models import Enterprise
from notices.models import Notice, NoticeAttachment, NoticeReceipt
from notices.selectors import reader_enterprise, reads_as_enterprise

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Office documents, PDF and images: what a notice's enterprises open without installing
# anything; no archives or executables.
ATTACHMENT_EXTENSIONS = (
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "wps",
    "et",
    "txt",
    "jpg",
    "jpeg",
    "png",
)

# What the audience is made of: a published notice keeps it (its receipts count against it).
AUDIENCE_FIELDS = ("audience", "village_id", "park_id")


def _require_staff(user: Any) -> None:
    if not is_sub_district_staff(user):
        raise PermissionDenied


def attachment_check(upload: File) -> None:
    """A notice's attachment: an office document, PDF or image of at most 20 MB."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": gettext(
                    "附件“%(name)s”的格式不支持：请上传 PDF、Word、Excel、PPT 文档或 JPG、PNG "
                    "图片。"
                )
                % {"name": name}
            }
        )
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"file": gettext("附件“%(name)s”超过 20 MB，请压缩后再上传。") % {"name": name}}
        )


def _check_audience(notice: Notice, chosen: list[Enterprise]) -> None:
    """村（社区） iff VILLAGE, 园区 iff PARK, at least one enterprise iff CHOSEN."""
    errors: dict[str, str] = {}
    audience = notice.audience
    if audience == Notice.Audience.VILLAGE and notice.village_id is None:
        errors["village"] = gettext("发送给某村（社区）的企业时，请选择村（社区）。")
    if audience != Notice.Audience.VILLAGE and notice.village_id is not None:
        errors["village"] = gettext("只有发送范围为“某村（社区）的企业”时才选择村（社区）。")
    if audience == Notice.Audience.PARK and notice.park_id is None:
        errors["park"] = gettext("发送给某园区的企业时，请选择园区。")
    if audience != Notice.Audience.PARK and notice.park_id is not None:
        errors["park"] = gettext("只有发送范围为“某园区的企业”时才选择园区。")
    if audience == Notice.Audience.CHOSEN and not chosen:
        errors["enterprises"] = gettext("发送给指定企业时，请至少选择一家企业。")
    if audience != Notice.Audience.CHOSEN and chosen:
        errors["enterprises"] = gettext("只有发送范围为“指定企业”时才选择企业。")
    if errors:
        raise ValidationError(errors)


def notice_save(
    *, user: Any, notice: Notice, enterprises: Iterable[Enterprise] | None = None
) -> Notice:
    """Add or change a notice (`enterprises`: the chosen ones; None keeps them). The audience
    of a published notice cannot change: its enterprises may already have read it, and a
    receipt counts only against the audience it was sent to."""
    _require_staff(user)
    with transaction.atomic():
        stored = None
        if notice.pk is not None:
            stored = Notice.objects.select_for_update().filter(pk=notice.pk).first()
        if enterprises is None:
            chosen = list(stored.enterprises.all()) if stored is not None else []
        else:
            chosen = list(enterprises)
        if stored is not None and stored.published_at is not None:
            same_ids = {e.pk for e in chosen} == set(
                stored.enterprises.values_list("pk", flat=True)
            )
            moved = [
                name for name in AUDIENCE_FIELDS if getattr(stored, name) != getattr(notice, name)
            ]
            if moved or not same_ids:
                raise ValidationError(
                    gettext(
                        "通知已发布，发送范围不能再修改（已读回执按发布时的范围统计）。"
                        "如需发给其他企业，请另发一条通知。"
                    )
                )
        notice.title = notice.title.strip()
        if not notice.body.strip():
            raise ValidationError({"body": gettext("请填写正文。")})
        _check_audience(notice, chosen)
        if notice.pk is None and notice.created_by_id is None:
            notice.created_by = user
        record_save(
            actor=user,
            instance=notice,
            action="notices.notice.saved",
            m2m={"enterprises": chosen},
            exclude=["created_by", "published_at"],
        )
    return notice


def notice_publish(*, user: Any, notice: Notice) -> Notice:
    """Publish a draft: from now its enterprises see it. Publishing twice changes nothing."""
    _require_staff(user)
    with transaction.atomic():
        stored = Notice.objects.select_for_update().filter(pk=notice.pk).first()
        if stored is None:
            raise ValidationError(gettext("该通知已被删除，请返回列表刷新后重试。"))
        if stored.published_at is not None:
            notice.published_at = stored.published_at
            return notice
        _check_audience(stored, list(stored.enterprises.all()))
        stored.published_at = timezone.now()
        stored.save(update_fields=["published_at"])
        audit_record(
            actor=user, action="notices.notice.published", target=stored, title=stored.title
        )
    notice.published_at = stored.published_at
    return notice


def notice_delete(*, user: Any, notice: Notice) -> None:
    """Delete a notice; its attachments and receipts go with it (kept in the audit row)."""
    _require_staff(user)
    record_delete(actor=user, instance=notice, action="notices.notice.deleted")


def notice_attachment_save(*, user: Any, attachment: NoticeAttachment) -> NoticeAttachment:
    """Attach a file to a notice: see `attachment_check`; its name is kept for the download."""
    _require_staff(user)
    stored = (
        NoticeAttachment.objects.filter(pk=attachment.pk).values_list("file", flat=True).first()
        if attachment.pk is not None
        else None
    )
    if attachment.file.name != stored:  # a new file: a kept one was checked when it came
        attachment_check(attachment.file)
        attachment.original_name = os.path.basename(attachment.file.name or "")[:255]
    record_save(actor=user, instance=attachment, action="notices.attachment.saved")
    return attachment


def notice_attachment_delete(*, user: Any, attachment: NoticeAttachment) -> None:
    _require_staff(user)
    record_delete(actor=user, instance=attachment, action="notices.attachment.deleted")


def notice_read(*, user: Any, notice: Notice) -> NoticeReceipt | None:
    """An HR user opened a published notice addressed to one of their enterprises: the first
    opening is the receipt, for that enterprise. Anybody else's opening writes nothing."""
    if notice.published_at is None or not reads_as_enterprise(user):
        return None
    enterprise = reader_enterprise(user, notice)
    if enterprise is None:
        return None
    receipt, _created = NoticeReceipt.objects.get_or_create(
        notice=notice, user=user, defaults={"enterprise": enterprise}
    )
    return receipt
