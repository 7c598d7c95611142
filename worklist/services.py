"""Writes of the work list: owners' progress feedback with attachments."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.services import audit_record
from worklist.models import FeedbackAttachment, ReformTask, TaskFeedback
from worklist.selectors import may_post_feedback

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 5


def task_feedback_post(
    *,
    user: Any,
    task: ReformTask,
    reported_on: datetime.date,
    percent: int,
    text: str,
    attachments: list[UploadedFile] | None = None,
) -> TaskFeedback:
    """An owner unit reports progress on a task (信息反馈制度, seed section 四)."""
    if not may_post_feedback(user, task):
        raise PermissionDenied
    files = attachments or []
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": gettext("反馈日期不能晚于今天。")})
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": gettext("完成进度应在 0 到 100 之间。")})
    if not text.strip():
        raise ValidationError({"text": gettext("请填写进展情况。")})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": gettext("附件最多 %(count)s 个。") % {"count": MAX_ATTACHMENTS}}
        )
    for upload in files:
        if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"attachments": gettext("附件“%(name)s”超过 20 MB。") % {"name": upload.name}}
            )
    units = task.owner_units.filter(members=user)
    with transaction.atomic():
        feedback = TaskFeedback.objects.create(
            task=task,
            unit=units.first(),
            reported_on=reported_on,
            percent=percent,
            text=text.strip(),
            author=user,
        )
        for upload in files:
            FeedbackAttachment.objects.create(
                feedback=feedback, file=upload, original_name=(upload.name or "")[:255]
            )
        audit_record(
            actor=user,
            action="worklist.feedback.posted",
            target=feedback,
            task=task.code,
            percent=percent,
        )
    return feedback
