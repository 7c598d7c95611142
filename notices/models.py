"""通知公告: what the sub-district sends enterprises every week (issue 16), with attachments and
read receipts as the training fund's 整改通知 have (training.FundNotice)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def notice_upload_path(instance: "NoticeAttachment", filename: str) -> str:
    # The stored name never carries the user's file name (it is kept in original_name).
    return "notices/%s" % uuid.uuid4().hex


class Notice(models.Model):
    class Audience(models.TextChoices):
        ALL = "all", _("全部企业")
        VILLAGE = "village", _("某村（社区）的企业")
        PARK = "park", _("某园区的企业")
        CHOSEN = "chosen", _("指定企业")

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    audience = models.CharField(
        _("发送范围"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    village = models.ForeignKey(
        "enterprises.Village",
        verbose_name=_("村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    park = models.ForeignKey(
        "enterprises.IndustrialPark",
        verbose_name=_("园区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name=_("指定企业"), blank=True, related_name="+"
    )
    # Unpublished notices are drafts: only staff see them.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(
        Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to=notice_upload_path)
    original_name = models.CharField(_("文件名"), max_length=255)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class NoticeReceipt(models.Model):
    """A user of an addressed enterprise read a notice (the first time they opened it)."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅读人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_notice_receipt_per_user")
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.notice, self.user)
