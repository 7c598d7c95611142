"""Writes of the work list: owners' progress feedback with attachments, and the tasks, their
milestones and owner units that staff keep in the admin."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.services import audit_record, record_delete, record_save
from worklist.models import FeedbackAttachment, Milestone, OwnerUnit, ReformTask, TaskFeedback
from worklist.selectors import may_post_feedback

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 5


def _check_progress(*, reported_on: datetime.date, percent: int, text: str) -> None:
    """What every progress report must be, posted on the page or kept in the admin."""
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": gettext("反馈日期不能晚于今天。")})
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": gettext("完成进度应在 0 到 100 之间。")})
    if not text.strip():
        raise ValidationError({"text": gettext("请填写进展情况。")})


def _check_attachments(files: Sequence[File], *, field: str) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {field: gettext("附件最多 %(count)s 个。") % {"count": MAX_ATTACHMENTS}}
        )
    for upload in files:
        if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {field: gettext("附件“%(name)s”超过 20 MB。") % {"name": upload.name}}
            )


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
    _check_progress(reported_on=reported_on, percent=percent, text=text)
    _check_attachments(files, field="attachments")
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


def task_feedback_save(*, user: Any, feedback: TaskFeedback) -> TaskFeedback:
    """Staff add or correct a progress report in the admin, under the same rules as the page's
    `task_feedback_post`; a report without an author is the acting user's."""
    _check_progress(reported_on=feedback.reported_on, percent=feedback.percent, text=feedback.text)
    feedback.text = feedback.text.strip()
    if feedback.author_id is None and feedback.pk is None:
        feedback.author = user
    # The author is kept as posted: it may be gone (SET_NULL) once its user is deleted.
    record_save(actor=user, instance=feedback, action="worklist.feedback.saved", exclude=["author"])
    return feedback


def task_feedback_delete(*, user: Any, feedback: TaskFeedback) -> None:
    """Delete a report posted by mistake; its attachments go with it."""
    record_delete(actor=user, instance=feedback, action="worklist.feedback.deleted")


def feedback_attachment_save(*, user: Any, attachment: FeedbackAttachment) -> FeedbackAttachment:
    """Attach a file to a report in the admin: at most MAX_ATTACHMENTS files of at most 20 MB
    each, as on the page."""
    with transaction.atomic():
        # One attachment at a time per report, so two uploads cannot both be the last allowed.
        TaskFeedback.objects.select_for_update().filter(pk=attachment.feedback_id).first()
        others = FeedbackAttachment.objects.filter(feedback_id=attachment.feedback_id).exclude(
            pk=attachment.pk
        )
        if others.count() >= MAX_ATTACHMENTS:
            raise ValidationError(gettext("附件最多 %(count)s 个。") % {"count": MAX_ATTACHMENTS})
        stored = (
            FeedbackAttachment.objects.filter(pk=attachment.pk)
            .values_list("file", flat=True)
            .first()
        )
        if attachment.file.name != stored:  # a new file: one kept before was checked then
            _check_attachments([attachment.file], field="file")
        if not attachment.original_name:
            attachment.original_name = (attachment.file.name or "")[:255]
        record_save(actor=user, instance=attachment, action="worklist.attachment.saved")
    return attachment


def feedback_attachment_delete(*, user: Any, attachment: FeedbackAttachment) -> None:
    record_delete(actor=user, instance=attachment, action="worklist.attachment.deleted")


def reform_task_save(
    *, user: Any, task: ReformTask, owner_units: Iterable[OwnerUnit] | None = None
) -> ReformTask:
    """Add or change a task of the work list and its owner units (`None`: leave them)."""
    record_save(
        actor=user,
        instance=task,
        action="worklist.task.saved",
        m2m=None if owner_units is None else {"owner_units": owner_units},
    )
    return task


def reform_task_delete(*, user: Any, task: ReformTask) -> None:
    """Delete a task; its milestones and feedback go with it (the audit row counts them)."""
    record_delete(actor=user, instance=task, action="worklist.task.deleted")


def milestone_save(*, user: Any, milestone: Milestone) -> Milestone:
    """A step on a task's roadmap (路线图)."""
    record_save(actor=user, instance=milestone, action="worklist.milestone.saved")
    return milestone


def milestone_delete(*, user: Any, milestone: Milestone) -> None:
    record_delete(actor=user, instance=milestone, action="worklist.milestone.deleted")


def owner_unit_save(
    *, user: Any, unit: OwnerUnit, members: Iterable[AbstractBaseUser] | None = None
) -> OwnerUnit:
    """Add or change an owner unit and who posts feedback for it (`None`: leave them)."""
    record_save(
        actor=user,
        instance=unit,
        action="worklist.owner_unit.saved",
        m2m=None if members is None else {"members": members},
    )
    return unit


def owner_unit_delete(*, user: Any, unit: OwnerUnit) -> None:
    """Delete an owner unit; one that has posted feedback is kept (its reports point to it)."""
    record_delete(actor=user, instance=unit, action="worklist.owner_unit.deleted")
