"""The reform work list (seed section 四: 工作清单、时间表、路线图, 信息反馈制度): tasks from the
plan's eleven measures and three organisational items, their owner units, milestones and the
progress feedback owners post."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OwnerUnit(models.Model):
    """A 线办 or 中心 of the sub-district that owns tasks; its members post feedback."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        blank=True,
        related_name="owner_units",
    )

    class Meta:
        verbose_name = _("责任线办（中心）")
        verbose_name_plural = _("责任线办（中心）")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReformTask(models.Model):
    class Section(models.TextChoices):
        IDEOLOGY = "ideology", _("强化思想政治建设")
        SKILLS = "skills", _("优化职业技能培育")
        SAFEGUARDS = "safeguards", _("完善队伍建设保障")
        ORGANISATION = "organisation", _("组织实施")

    code = models.CharField(_("编号"), max_length=20, unique=True)
    section = models.CharField(_("所属部分"), max_length=20, choices=Section.choices)
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    owner_units = models.ManyToManyField(
        OwnerUnit, verbose_name=_("责任线办（中心）"), blank=True, related_name="tasks"
    )
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("改革任务")
        verbose_name_plural = _("改革任务")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return "%s %s" % (self.code, self.title)


class Milestone(models.Model):
    """A step on a task's roadmap (路线图) with its own date."""

    task = models.ForeignKey(
        ReformTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering = ["task", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and self.due_on < today


def feedback_upload_path(instance: "FeedbackAttachment", filename: str) -> str:
    return "worklist/%s/%s" % (instance.feedback.task_id, filename)


class TaskFeedback(models.Model):
    """信息反馈: an owner unit's progress report on a task."""

    task = models.ForeignKey(
        ReformTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="feedback"
    )
    unit = models.ForeignKey(
        OwnerUnit,
        verbose_name=_("反馈单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    reported_on = models.DateField(_("反馈日期"))
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进展反馈")
        verbose_name_plural = _("进展反馈")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="feedback_percent_at_most_100",
                violation_error_message=_("完成进度不能超过100%。"),
            )
        ]
        indexes = [models.Index(fields=["task", "reported_on"])]

    def __str__(self) -> str:
        return "%s %s" % (self.task.code, self.reported_on)


class FeedbackAttachment(models.Model):
    feedback = models.ForeignKey(
        TaskFeedback, verbose_name=_("反馈"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to=feedback_upload_path)
    original_name = models.CharField(_("文件名"), max_length=255)

    class Meta:
        verbose_name = _("反馈附件")
        verbose_name_plural = _("反馈附件")

    def __str__(self) -> str:
        return self.original_name
