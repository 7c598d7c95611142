"""Democratic-management records per enterprise (seed measure 9: 企业民主管理制度、厂务公开制度、
工资集体协商制度): workers' congress sessions, open-factory-affairs items and collective wage
contracts with their expiry; and labour inspections with their corrections (seed measure 8:
加大劳动法律执法检查)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EnteredRecord(models.Model):
    """Who entered a democratic-management record and whether staff confirmed it (issue 15:
    HR enter their own enterprise's records, staff confirm them; only confirmed records count
    in the figures). A record staff enter is confirmed when it is saved."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class WorkersCongressSession(EnteredRecord):
    """职代会: one session of an enterprise's workers' congress."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="workers_congress_sessions",
    )
    held_on = models.DateField(_("召开日期"))
    session = models.CharField(_("届次"), max_length=50, help_text=_("例如：第三届第二次"))
    delegates = models.PositiveIntegerField(_("职工代表人数"), validators=[MinValueValidator(1)])
    topics = models.TextField(_("审议议题"))
    resolutions = models.TextField(_("形成决议"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职代会")
        verbose_name_plural = _("职代会")
        ordering = ["-held_on", "enterprise"]
        constraints = [
            # A session registered twice would count twice in the yearly figures.
            models.UniqueConstraint(
                fields=["enterprise", "session"],
                name="one_workers_congress_session_per_label",
                violation_error_message=_("该企业已登记过这一届次的职代会。"),
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "held_on"])]

    def __str__(self) -> str:
        return "%s %s" % (self.enterprise, self.session)


class FactoryAffairsDisclosure(EnteredRecord):
    """厂务公开: one item an enterprise made public to its workers."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="factory_affairs_disclosures",
    )
    disclosed_on = models.DateField(_("公开日期"))
    subject = models.CharField(_("公开事项"), max_length=200)
    channel = models.CharField(
        _("公开形式"), max_length=50, help_text=_("例如：公开栏、职代会、线上")
    )
    content = models.TextField(_("公开内容"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("厂务公开")
        verbose_name_plural = _("厂务公开")
        ordering = ["-disclosed_on", "enterprise"]
        indexes = [models.Index(fields=["enterprise", "disclosed_on"])]

    def __str__(self) -> str:
        return "%s %s" % (self.enterprise, self.subject)


class CollectiveWageContractQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        """Contracts in force on `day`: from the start date to the end date, both included."""
        return self.filter(start_date__lte=day, end_date__gte=day)


class CollectiveWageContract(EnteredRecord):
    """工资集体协商合同 (工资专项集体合同) of an enterprise, with its term; an enterprise
    covered by a 区域性 or 行业性 contract gets a record of its own with `covers_joint`."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="wage_contracts",
    )
    signed_on = models.DateField(_("签订日期"))
    start_date = models.DateField(_("生效日期"))
    end_date = models.DateField(_("到期日期"))
    wage_increase_percent = models.DecimalField(
        _("工资增长幅度（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("合同约定的职工工资增长幅度，例如 5.50 表示 5.5%；未约定的留空。"),
    )
    covers_joint = models.BooleanField(
        _("区域性/行业性集体合同"),
        default=False,
        help_text=_("本企业通过区域性或行业性工资集体协商合同覆盖，而非单独签订。"),
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CollectiveWageContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("工资集体协商合同")
        verbose_name_plural = _("工资集体协商合同")
        ordering = ["-end_date", "enterprise"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="wage_contract_ends_after_it_starts",
                violation_error_message=_("到期日期不能早于生效日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "end_date"]),
            models.Index(fields=["end_date"]),
        ]

    def __str__(self) -> str:
        return "%s %s–%s" % (self.enterprise, self.start_date, self.end_date)

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date


class LabourInspectionQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date):
        """Inspections held by `day` and not closed (销号) by then: closed later still counts,
        so a past day gives the list as it stood that day (report figures are as of a day)."""
        return self.filter(
            Q(is_closed=False) | Q(closed_on__gt=day),
            inspected_on__lte=day,
        )

    def overdue_on(self, day: datetime.date):
        """Open on `day` with the correction deadline before it; the deadline itself is the
        last day allowed."""
        return self.open_on(day).filter(deadline__lt=day)


class LabourInspection(models.Model):
    """劳动法律执法检查 (seed measure 8): what was found at an enterprise and what it must
    correct by when; closed (销号) when the correction is verified."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="labour_inspections",
    )

    class Kind(models.TextChoices):
        """What a finding is about (seed measure 8: 劳动法律执法检查), for the figures by kind."""

        CONTRACT = "contract", _("劳动合同")
        WAGES = "wages", _("工资支付")
        WORKING_HOURS = "working_hours", _("工作时间和休息休假")
        SOCIAL_INSURANCE = "social_insurance", _("社会保险")
        SAFETY = "safety", _("劳动安全卫生")
        SPECIAL_PROTECTION = "special_protection", _("女职工和未成年工保护")
        OTHER = "other", _("其他")

    inspected_on = models.DateField(_("检查日期"))
    kind = models.CharField(
        _("问题类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True
    )
    subject = models.CharField(_("检查事项"), max_length=200)
    inspector = models.CharField(_("检查单位/检查人"), max_length=100, blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    corrections_required = models.TextField(_("整改要求"), blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    is_closed = models.BooleanField(_("已整改销号"), default=False)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LabourInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动监察检查")
        verbose_name_plural = _("劳动监察检查")
        ordering = ["-inspected_on", "enterprise"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("inspected_on")),
                name="inspection_deadline_not_before_inspection",
                violation_error_message=_("整改期限不能早于检查日期。"),
            ),
            models.CheckConstraint(
                condition=Q(is_closed=True, closed_on__isnull=False)
                | Q(is_closed=False, closed_on__isnull=True),
                name="inspection_closed_on_iff_closed",
                violation_error_message=_("已整改销号的请填写销号日期；未销号的不要填写销号日期。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("inspected_on")),
                name="inspection_closed_not_before_inspection",
                violation_error_message=_("销号日期不能早于检查日期。"),
            ),
        ]
        indexes = [models.Index(fields=["is_closed", "deadline"])]

    def __str__(self) -> str:
        return "%s %s %s" % (self.enterprise, self.inspected_on, self.subject)

    def clean(self) -> None:
        errors = {}
        if self.closed_on is not None and self.closed_on > timezone.localdate():
            errors["closed_on"] = _("销号日期不能晚于今天。")
        if self.deadline is not None and not self.corrections_required.strip():
            errors["corrections_required"] = _("设定了整改期限，请填写整改要求。")
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, day: datetime.date) -> bool:
        """The row-by-row twin of `LabourInspectionQuerySet.overdue_on`."""
        closed_by_then = self.is_closed and self.closed_on is not None and self.closed_on <= day
        return (
            self.deadline is not None
            and self.deadline < day
            and self.inspected_on <= day
            and not closed_by_then
        )
