"""Training funds (seed measure 11): each enterprise's yearly declaration of payroll and of the
education and training fund it extracted and spent, checked against that year's rule."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# DOMAIN.md: the sub-district's defaults; staff may set other rates for a year.
DEFAULT_EXTRACTION_RATE = Decimal("0.08")
DEFAULT_FRONTLINE_RATE = Decimal("0.60")
FIRST_YEAR = 2000


def _amount(label: Any) -> models.DecimalField:
    """Yuan to the fen, never negative (DOMAIN.md)."""
    return models.DecimalField(
        label, max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )


def _rate(label: Any, default: Decimal, help_text: Any) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=4,
        default=default,
        help_text=help_text,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )


class FundRule(models.Model):
    """The 8%/60% rule as it applies to one year; a year without a record uses the defaults."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(FIRST_YEAR)]
    )
    extraction_rate = _rate(
        _("提取比例"), DEFAULT_EXTRACTION_RATE, _("占职工工资总额的比例，如 0.08 表示 8%")
    )
    frontline_rate = _rate(
        _("一线职工使用比例"),
        DEFAULT_FRONTLINE_RATE,
        _("一线职工使用额占经费使用额的最低比例，如 0.60 表示 60%"),
    )
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("经费规则")
        verbose_name_plural = _("经费规则（按年度）")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extraction_rate__gte=0, extraction_rate__lte=1)
                & Q(frontline_rate__gte=0, frontline_rate__lte=1),
                name="fund_rule_rates_are_fractions",
                violation_error_message=_("比例应在 0 到 1 之间。"),
            )
        ]

    def __str__(self) -> str:
        return "%d" % self.year


class FundRuleChange(models.Model):
    """Every saved version of a year's rule: who set which rates when."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    extraction_rate = models.DecimalField(_("提取比例"), max_digits=5, decimal_places=4)
    frontline_rate = models.DecimalField(_("一线职工使用比例"), max_digits=5, decimal_places=4)
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("经费规则修改记录")
        verbose_name_plural = _("经费规则修改记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return "%d" % self.year


class FundDeclaration(models.Model):
    """An enterprise's declaration for a year: the newest figures submitted."""

    class Source(models.TextChoices):
        FORM = "form", _("网页填报")
        UPLOAD = "upload", _("上传表格")
        COMMAND = "command", _("批量导入")
        ADMIN = "admin", _("后台录入")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="fund_declarations",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(FIRST_YEAR)])
    payroll = _amount(_("职工工资总额（元）"))
    extracted = _amount(_("教育培训经费提取额（元）"))
    spent = _amount(_("教育培训经费使用额（元）"))
    frontline_spent = _amount(_("其中一线职工使用额（元）"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    created_at = models.DateTimeField(_("首次申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("教育培训经费申报")
        verbose_name_plural = _("教育培训经费申报")
        ordering = ["-year", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="one_fund_declaration_per_enterprise_year",
                violation_error_message=_("该企业这一年度已有申报，请修改原申报。"),
            ),
            models.CheckConstraint(
                condition=Q(frontline_spent__lte=F("spent")),
                name="fund_frontline_within_spent",
                violation_error_message=_("其中一线职工使用额不能大于教育培训经费使用额。"),
            ),
            models.CheckConstraint(
                condition=Q(payroll__gte=0, extracted__gte=0, spent__gte=0, frontline_spent__gte=0),
                name="fund_amounts_not_negative",
                violation_error_message=_("金额不能是负数。"),
            ),
        ]
        indexes = [models.Index(fields=["year", "enterprise"])]

    def __str__(self) -> str:
        return "%s %d" % (self.enterprise, self.year)


class FundDeclarationVersion(models.Model):
    """Every submitted version of a declaration, the newest included (who, when, what)."""

    declaration = models.ForeignKey(
        FundDeclaration,
        verbose_name=_("申报"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    version = models.PositiveIntegerField(_("版本"))
    payroll = models.DecimalField(_("职工工资总额（元）"), max_digits=14, decimal_places=2)
    extracted = models.DecimalField(_("教育培训经费提取额（元）"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(_("教育培训经费使用额（元）"), max_digits=14, decimal_places=2)
    frontline_spent = models.DecimalField(
        _("其中一线职工使用额（元）"), max_digits=14, decimal_places=2
    )
    source = models.CharField(_("来源"), max_length=10, choices=FundDeclaration.Source.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("申报历史版本")
        verbose_name_plural = _("申报历史版本")
        ordering = ["declaration", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "version"], name="one_fund_declaration_version_number"
            )
        ]

    def __str__(self) -> str:
        return "%s v%d" % (self.declaration, self.version)


class FundNotice(models.Model):
    """A notice staff send a failing enterprise; its HR users see it on their page."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="fund_notices",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    message = models.TextField(_("通知内容"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("经费整改通知")
        verbose_name_plural = _("经费整改通知")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "year"])]

    def __str__(self) -> str:
        return "%s %d" % (self.enterprise, self.year)


class FundNoticeReceipt(models.Model):
    """An HR user read a notice (first time they opened it)."""

    notice = models.ForeignKey(
        FundNotice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅读人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知阅读回执")
        verbose_name_plural = _("通知阅读回执")
        ordering = ["read_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_receipt_per_reader")
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.notice, self.user)
