"""Training funds (seed measure 11): each enterprise's yearly declaration of payroll and of the
education and training fund it extracted and spent, checked against that year's rule."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import AwardLevel
from workers.models import RecordSource

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


# ----------------------------------------------------------------------------------------------
# Skills and lifelong learning (seed measures 4–7): institutes, courses, records, competitions.


class InstituteCriterion(models.Model):
    """One criterion of the city's "六个有" standard; staff edit the list (DOMAIN.md)."""

    name = models.CharField(_("标准名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # A retired criterion keeps its checks for the record but no longer counts.
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("“六个有”标准")
        verbose_name_plural = _("“六个有”标准")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingInstitute(models.Model):
    """职工培训学院 / 企业职工学院 / a public school (seed measure 6)."""

    class Kind(models.TextChoices):
        WORKER_COLLEGE = "worker_college", _("职工培训学院")
        ENTERPRISE_COLLEGE = "enterprise_college", _("企业职工学院")
        SCHOOL = "school", _("公办院校")
        OTHER = "other", _("其他培训机构")

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_institutes",
        help_text=_("企业职工学院填写所属企业"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    remarks = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构（六个有）")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstituteCheck(models.Model):
    """An institute checked against one criterion: met or not, with evidence and the date."""

    institute = models.ForeignKey(
        TrainingInstitute,
        verbose_name=_("培训机构"),
        on_delete=models.CASCADE,
        related_name="checks",
    )
    criterion = models.ForeignKey(
        InstituteCriterion,
        verbose_name=_("标准"),
        on_delete=models.PROTECT,
        related_name="checks",
    )
    is_met = models.BooleanField(_("是否达到"), default=False)
    evidence = models.CharField(_("佐证说明"), max_length=300, blank=True)
    checked_on = models.DateField(_("核查日期"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("“六个有”核查")
        verbose_name_plural = _("“六个有”核查")
        ordering = ["institute", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institute", "criterion"],
                name="one_check_per_institute_criterion",
                violation_error_message=_("这个机构的这项标准已有核查记录，请修改原记录。"),
            )
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.institute, self.criterion)


class SchoolEnterpriseCooperation(models.Model):
    """校企合作 agreement between a school and an enterprise (seed measure 4)."""

    school = models.CharField(_("学校"), max_length=100)
    institute = models.ForeignKey(
        TrainingInstitute,
        verbose_name=_("登记的院校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperations",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="school_cooperations",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    content = models.TextField(_("合作内容"), max_length=2000)
    agreement_number = models.CharField(_("协议编号"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("校企合作协议")
        verbose_name_plural = _("校企合作协议")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cooperation_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self) -> str:
        return "%s × %s" % (self.school, self.enterprise)


class TrainingMode(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE = "offline", _("线下")
    MIXED = "mixed", _("线上线下")


class Course(models.Model):
    """培训项目: a course on a start date. Its records hold who attended (DOMAIN.md's key is
    培训项目 + 开始日期 + 身份证号)."""

    name = models.CharField(_("培训项目"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    mode = models.CharField(
        _("培训方式"), max_length=10, choices=TrainingMode.choices, default=TrainingMode.OFFLINE
    )
    institute = models.ForeignKey(
        TrainingInstitute,
        verbose_name=_("培训机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    # As typed in an upload when the institute is not in the register.
    institute_name = models.CharField(_("培训机构（填报）"), max_length=100, blank=True)
    occupation = models.CharField(_("职业（工种）"), max_length=50, blank=True)
    hours = models.DecimalField(
        _("计划学时"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "starts_on"],
                name="one_course_per_name_start",
                violation_error_message=_("同名同开始日期的培训项目已存在。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="course_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return "%s（%s）" % (self.name, self.starts_on.isoformat())


class TrainingRecord(models.Model):
    """培训记录: one worker on one course (DOMAIN.md). Imports add and update, never delete."""

    course = models.ForeignKey(
        Course, verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="records"
    )
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    # Denormalised from the course so figures filter by date without a join.
    starts_on = models.DateField(_("开始日期"), db_index=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    hours = models.DecimalField(
        _("学时"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(2000))],
    )
    mode = models.CharField(
        _("培训方式"), max_length=10, choices=TrainingMode.choices, default=TrainingMode.OFFLINE
    )
    institute_name = models.CharField(_("培训机构"), max_length=100, blank=True)
    is_completed = models.BooleanField(_("是否结业"), default=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("上传企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=10, choices=RecordSource.choices)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "worker"],
                name="one_training_record_per_course_worker",
                violation_error_message=_("这名职工已有这个培训项目的记录。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=2000),
                name="training_hours_in_range",
                violation_error_message=_("学时应大于0且不超过2000。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="training_record_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "starts_on"], name="training_record_worker_start"),
            # The report's training figures read the completed records of a window from this
            # index alone (training.figures; bench/bench_skills_report.py).
            models.Index(
                fields=["starts_on", "worker", "hours"],
                condition=Q(is_completed=True),
                name="training_completed_start",
            ),
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.worker, self.course)


class Competition(models.Model):
    """劳动和技能竞赛: one event (seed measure 7); keyed by 竞赛名称 + 举办日期."""

    name = models.CharField(_("竞赛名称"), max_length=100)
    level = models.CharField(_("竞赛级别"), max_length=20, choices=AwardLevel.choices)
    held_on = models.DateField(_("举办日期"))
    occupation = models.CharField(_("职业（工种）"), max_length=50, blank=True)
    organiser = models.CharField(_("主办单位"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("技能竞赛")
        verbose_name_plural = _("技能竞赛")
        ordering = ["-held_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "held_on"],
                name="one_competition_per_name_date",
                violation_error_message=_("同名同日期的竞赛已存在。"),
            )
        ]

    def __str__(self) -> str:
        return "%s（%s）" % (self.name, self.held_on.isoformat())


class CompetitionResult(models.Model):
    """One worker's result in a competition: a prize, or took part (blank 获奖等次)."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("竞赛"), on_delete=models.PROTECT, related_name="results"
    )
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="competition_results",
    )
    prize = models.CharField(_("获奖等次"), max_length=20, blank=True, help_text=_("空白表示参赛"))
    # True for 一等奖 … 优秀奖 and 第N名 (DOMAIN.md); kept with the prize so figures filter on it.
    is_prize = models.BooleanField(_("获奖"), default=False, editable=False)
    occupation = models.CharField(_("职业（工种）"), max_length=50, blank=True)
    # Denormalised from the competition so figures filter by date without a join.
    held_on = models.DateField(_("举办日期"), db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=RecordSource.choices)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        ordering = ["-held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "worker"],
                name="one_result_per_competition_worker",
                violation_error_message=_("这名职工在这项竞赛已有成绩。"),
            )
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.worker, self.competition)

    def save(self, *args, **kwargs) -> None:
        from training.rules import is_prize

        self.is_prize = is_prize(self.prize)
        self.held_on = self.competition.held_on
        super().save(*args, **kwargs)
