"""Periodic reform progress reports for 市产改办 (seed section 四): each run freezes the report
figures as of its period's end and keeps its workbook; a re-run is a new version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def report_upload_path(instance: "ReportRun", filename: str) -> str:
    return "reports/%s/%s" % (instance.kind, filename)


class ReportRun(models.Model):
    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("季度报告")
        MONTHLY = "monthly", _("月度报告")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    ACTIVE = (Status.REQUESTED, Status.RUNNING)

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=7, help_text=_("如 2026Q4 或 2026-11"))
    as_of = models.DateField(_("数据截至"))
    version = models.PositiveIntegerField(_("版本"))
    is_current = models.BooleanField(_("当前版本"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    stage = models.CharField(_("进度"), max_length=50, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请求人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("请求时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Runs started: a report that keeps killing its worker is given up after a few.
    attempts = models.PositiveSmallIntegerField(_("处理次数"), default=0)
    # The frozen figures: report figures and the village/park/size breakdowns (no personal data).
    figures = models.JSONField(_("指标快照"), default=dict, blank=True)
    file = models.FileField(_("报告文件"), upload_to=report_upload_path, blank=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-period", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "version"], name="one_report_version_number"
            ),
            # Two beat processes or a double click: one request per period and kind at a time.
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(status__in=["requested", "running"]),
                name="one_active_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(is_current=True),
                name="one_current_report_per_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return "%s %s v%d" % (self.get_kind_display(), self.period, self.version)

    @property
    def in_progress(self) -> bool:
        return self.status in self.ACTIVE


class ReportDownload(models.Model):
    """Who downloaded which report when (officials' downloads are logged)."""

    run = models.ForeignKey(
        ReportRun, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="downloads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下载人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    downloaded_at = models.DateTimeField(_("下载时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告下载记录")
        verbose_name_plural = _("报告下载记录")
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return "%s %s" % (self.run, self.downloaded_at)
