from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit_labels import action_label, model_label


def _moment(value: Any) -> str:
    """A log row's time as the admin's titles show it (local time, no microseconds)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class AuditLog(models.Model):
    """Who changed what and when: written by services for every write that matters."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "%s %s %s" % (_moment(self.created_at), action_label(self.action), self.object_id)


class PersonalDataKeyCheck(models.Model):
    """One row per database: proof that the running PERSONAL_DATA_KEY is the one its personal
    data was encrypted with (core.crypto, checked at start-up by core.keys)."""

    digest = models.CharField(max_length=64)
    token = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息密钥校验")
        verbose_name_plural = _("个人信息密钥校验")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.created_at)


class PersonalDataAccess(models.Model):
    """Who saw, exported, downloaded or changed workers' personal data (PIPL: ID numbers and
    phones are sensitive personal information). Written by `personal_data_access_record` only;
    `detail` never holds a full ID number or phone, only masked ones."""

    class Action(models.TextChoices):
        VIEW = "view", _("查看")
        REVEAL = "reveal", _("显示完整号码")
        EXPORT = "export", _("导出")
        DOWNLOAD_ORIGINAL = "download_original", _("下载原始文件")
        DOWNLOAD_ANNOTATED = "download_annotated", _("下载错误说明")
        CHANGE = "change", _("修改")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("涉及人数"), default=1)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "%s %s %s %s" % (
            _moment(self.created_at),
            self.get_action_display(),
            model_label(self.object_type),
            self.object_id,
        )
