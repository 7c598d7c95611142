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


class FigureTarget(models.Model):
    """A target staff set for one report figure in one year (e.g. 2026 union_membership_rate
    0.85); the summary sheet and the officials' page show each figure beside it (issue 15)."""

    key = models.CharField(
        _("指标"), max_length=60, help_text=_("报告指标的代码，如 union_membership_rate")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # A rate as a fraction (0.85), a count as a whole number.
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4)
    notes = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["-year", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "year"],
                name="one_target_per_figure_and_year",
                violation_error_message=_("这个指标这一年度已设定目标。"),
            )
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.year, self.key)


class BaselinePeriod(models.Model):
    """The period whose figures are the reform's baseline (the plan started on 2021-07-01, so
    by default 2021Q3); the newest row marked current is the one shown."""

    kind = models.CharField(
        _("类型"), max_length=10, choices=ReportRun.Kind.choices, default=ReportRun.Kind.QUARTERLY
    )
    period = models.CharField(_("基期"), max_length=7, help_text=_("如 2021Q3"))
    is_current = models.BooleanField(_("当前基期"), default=True)
    notes = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("基期")
        verbose_name_plural = _("基期")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(is_current=True),
                name="one_current_baseline_per_kind",
                violation_error_message=_("每类报告只能有一个当前基期。"),
            )
        ]

    def __str__(self) -> str:
        return self.period


class ReportNarrative(models.Model):
    """The written progress section of a period's report (工作开展情况, 存在问题, 下步打算).
    Plain text with paragraphs (blank lines) and list items (lines starting "- " or "1."), never
    HTML. A published version is never edited: editing it makes the next version; officials see
    the newest published one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    kind = models.CharField(
        _("类型"), max_length=10, choices=ReportRun.Kind.choices, default=ReportRun.Kind.QUARTERLY
    )
    period = models.CharField(_("期间"), max_length=7)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    work_done = models.TextField(_("工作开展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰写人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展情况")
        verbose_name_plural = _("进展情况")
        ordering = ["-period", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "version"], name="one_narrative_version_number"
            ),
            # One draft per period at a time: staff edit it until they publish it.
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(status="draft"),
                name="one_narrative_draft_per_period",
            ),
        ]

    def __str__(self) -> str:
        return "%s %s v%d" % (self.get_kind_display(), self.period, self.version)
