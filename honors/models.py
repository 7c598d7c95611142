"""Honours and the people behind them (seed measures 3 and 7): the honour register (劳动模范,
嵊州工匠, 杰出工匠, 优秀职工 to a person; 工人先锋号, 优秀班组 to a team of an enterprise), the
nomination round that ends in honours (基层劳模推评 with its 公示), the craftsman pool (工匠库)
and the innovation studios (劳模工匠创新工作室).

Nothing here is deleted by the portal: a nomination is withdrawn, rejected or taken out by an
objection, a pool entry is overridden by a later one, and every step keeps who and when
(NominationStep, CraftsmanPoolChange, and the audit log).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import AwardLevel, SkillLevel
from core.storage import encrypted_storage


class HonourName(models.TextChoices):
    """荣誉名称 (DOMAIN.md): the first four go to a person, the last two to a team."""

    MODEL_WORKER = "model_worker", _("劳动模范")
    CRAFTSMAN = "craftsman", _("嵊州工匠")
    OUTSTANDING_CRAFTSMAN = "outstanding_craftsman", _("杰出工匠")
    EXCELLENT_WORKER = "excellent_worker", _("优秀职工")
    WORKER_PIONEER = "worker_pioneer", _("工人先锋号")
    EXCELLENT_TEAM = "excellent_team", _("优秀班组")


TEAM_HONOURS = (HonourName.WORKER_PIONEER, HonourName.EXCELLENT_TEAM)
PERSON_HONOURS = tuple(name for name in HonourName if name not in TEAM_HONOURS)
CRAFTSMAN_HONOURS = (HonourName.CRAFTSMAN, HonourName.OUTSTANDING_CRAFTSMAN)


class HonourSource(models.TextChoices):
    """Where an honour came from."""

    ADMIN = "admin", _("后台录入")
    COMMAND = "command", _("批量导入")
    NOMINATION = "nomination", _("推评产生")


def is_team_honour(name: str) -> bool:
    return name in {str(n) for n in TEAM_HONOURS}


class Honour(models.Model):
    """One honour given to one person (`worker`) or to one team of an enterprise (`enterprise`
    and `team_name`, with its `members`). Key (INTERFACES.md): 荣誉名称 + 级别 + 年度 + the
    person, or + the enterprise + 集体名称."""

    name = models.CharField(_("荣誉名称"), max_length=30, choices=HonourName.choices)
    level = models.CharField(_("级别"), max_length=20, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("获奖职工"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
    )
    # A team's enterprise. For a person it is left empty: the honour follows the person.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("集体所在企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_honours",
    )
    team_name = models.CharField(_("集体名称"), max_length=100, blank=True)
    members = models.ManyToManyField(
        "workers.Worker",
        verbose_name=_("集体成员"),
        blank=True,
        related_name="team_honours",
    )
    awarding_body = models.CharField(_("授予单位"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=HonourSource.choices, default=HonourSource.ADMIN
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "name", "id"]
        constraints = [
            # A person's honour names a worker and no team; a team's names an enterprise and a
            # team name and no worker (DOMAIN.md: people vs. teams).
            models.CheckConstraint(
                condition=(
                    Q(name__in=[str(n) for n in PERSON_HONOURS])
                    & Q(worker__isnull=False, enterprise__isnull=True, team_name="")
                )
                | (
                    Q(name__in=[str(n) for n in TEAM_HONOURS])
                    & Q(worker__isnull=True, enterprise__isnull=False)
                    & ~Q(team_name="")
                ),
                name="honour_person_or_team",
                violation_error_message=_(
                    "劳动模范、嵊州工匠、杰出工匠、优秀职工授予个人，请选择获奖职工；"
                    "工人先锋号、优秀班组授予集体，请选择集体所在企业并填写集体名称。"
                ),
            ),
            models.UniqueConstraint(
                fields=["name", "level", "year", "worker"],
                condition=Q(worker__isnull=False),
                name="one_honour_per_person_name_level_year",
                violation_error_message=_("这名职工已登记过同一年度、同一级别的这项荣誉。"),
            ),
            models.UniqueConstraint(
                fields=["name", "level", "year", "enterprise", "team_name"],
                condition=Q(enterprise__isnull=False),
                name="one_honour_per_team_name_level_year",
                violation_error_message=_("这个集体已登记过同一年度、同一级别的这项荣誉。"),
            ),
        ]
        indexes = [
            models.Index(fields=["year", "name"], name="honour_year_name"),
            models.Index(fields=["worker", "name", "year"], name="honour_worker_name_year"),
        ]

    def __str__(self) -> str:
        holder = self.team_name if self.enterprise_id else getattr(self.worker, "name", "")
        return "%s %s %s（%s）" % (
            self.year,
            self.get_level_display(),
            self.get_name_display(),
            holder,
        )

    @property
    def is_team(self) -> bool:
        return is_team_honour(self.name)


# ----------------------------------------------------------------------------------------------
# The nomination round (基层劳模推评 and the like): open → 公示 → approved.


class NominationRound(models.Model):
    """A round staff open for one honour: HR nominate within the window, staff review, the
    accepted ones go on 公示, and approval after the 公示 creates the honours."""

    class Status(models.TextChoices):
        OPEN = "open", _("推荐评审中")
        PUBLICITY = "publicity", _("公示中")
        APPROVED = "approved", _("已批准")

    title = models.CharField(_("推评名称"), max_length=100, unique=True)
    honour_name = models.CharField(_("荣誉名称"), max_length=30, choices=HonourName.choices)
    level = models.CharField(_("级别"), max_length=20, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField(
        _("荣誉年度"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    quota = models.PositiveSmallIntegerField(_("名额"), validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("推荐开始日期"))
    closes_on = models.DateField(_("推荐截止日期"))
    criteria = models.TextField(_("推荐条件"))
    awarding_body = models.CharField(_("授予单位"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    # Eligibility rules checked from the portal's own data (shown to the reviewer; the
    # frontline share is enforced at approval).
    require_active_employment = models.BooleanField(_("被推荐人须在街道企业在职"), default=True)
    require_union = models.BooleanField(_("集体所在企业须已建工会"), default=True)
    require_democratic_management = models.BooleanField(
        _("集体所在企业须近12个月召开职代会且有有效工资集体协商合同"), default=True
    )
    require_no_open_inspection = models.BooleanField(
        _("集体所在企业不得有未整改的劳动监察问题"), default=True
    )
    min_frontline_share = models.DecimalField(
        _("一线职工最低占比"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("例如 0.6 表示批准时入选个人中一线职工不少于60%；不要求的留空。"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("推评活动")
        verbose_name_plural = _("推评活动")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="round_closes_after_it_opens",
                violation_error_message=_("推荐截止日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(publicity_starts_on__isnull=True)
                | Q(publicity_ends_on__gte=F("publicity_starts_on")),
                name="round_publicity_ends_after_it_starts",
                violation_error_message=_("公示结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_team(self) -> bool:
        return is_team_honour(self.honour_name)


def nomination_upload_path(instance: "Nomination", filename: str) -> str:
    # The stored name carries no personal data; the original name is kept on the row.
    return "honors/nominations/%s/%s" % (instance.round_id, filename.rsplit("/", 1)[-1])


class Nomination(models.Model):
    """One enterprise's nominee in a round: a worker it employs, or a team of it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已推荐，待审核")
        WITHDRAWN = "withdrawn", _("已撤回")
        ACCEPTED = "accepted", _("审核通过")
        REJECTED = "rejected", _("未通过审核")
        OBJECTED = "objected", _("公示异议成立，已取消")
        APPROVED = "approved", _("已授予")

    round = models.ForeignKey(
        NominationRound,
        verbose_name=_("推评活动"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("推荐企业"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("被推荐职工"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    team_name = models.CharField(_("集体名称"), max_length=100, blank=True)
    members = models.ManyToManyField(
        "workers.Worker", verbose_name=_("集体成员"), blank=True, related_name="+"
    )
    # The nominee's post as the nominating enterprise wrote it (for the 公示 list).
    post = models.CharField(_("岗位/职务"), max_length=100, blank=True)
    summary = models.CharField(_("事迹简介"), max_length=300)
    deeds = models.TextField(_("事迹材料"))
    attachment = models.FileField(
        _("事迹材料附件"),
        upload_to=nomination_upload_path,
        storage=encrypted_storage,
        blank=True,
    )
    attachment_name = models.CharField(_("附件文件名"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # Why it was rejected or taken out by an objection.
    reason = models.TextField(_("理由"), blank=True)
    honour = models.OneToOneField(
        Honour,
        verbose_name=_("授予的荣誉"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nomination",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["round", "submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(worker__isnull=False, team_name="")
                | (Q(worker__isnull=True) & ~Q(team_name="")),
                name="nomination_person_or_team",
                violation_error_message=_("请推荐一名职工，或填写集体名称（二者选一）。"),
            ),
            # A withdrawn or rejected nomination stays on record; the same person may be put
            # forward again in that round, but only one nomination of them is live at a time.
            models.UniqueConstraint(
                fields=["round", "worker"],
                condition=Q(worker__isnull=False)
                & ~Q(status__in=["withdrawn", "rejected", "objected"]),
                name="one_live_nomination_per_person",
                violation_error_message=_("这名职工已在本次推评中被推荐。"),
            ),
            models.UniqueConstraint(
                fields=["round", "enterprise", "team_name"],
                condition=~Q(team_name="") & ~Q(status__in=["withdrawn", "rejected", "objected"]),
                name="one_live_nomination_per_team",
                violation_error_message=_("这个集体已在本次推评中被推荐。"),
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="nomination_round_status")]

    def __str__(self) -> str:
        return "%s：%s" % (self.round, self.nominee_name)

    @property
    def nominee_name(self) -> str:
        return self.team_name or getattr(self.worker, "name", "")


class NominationStep(models.Model):
    """One step of a round or of a nomination, with who and when (nothing is deleted)."""

    class Action(models.TextChoices):
        ROUND_OPENED = "round_opened", _("发布推评")
        ROUND_CHANGED = "round_changed", _("修改推评")
        NOMINATED = "nominated", _("推荐")
        NOMINATION_CHANGED = "nomination_changed", _("修改推荐材料")
        WITHDRAWN = "withdrawn", _("撤回推荐")
        ACCEPTED = "accepted", _("审核通过")
        REJECTED = "rejected", _("审核不通过")
        PUBLICITY_STARTED = "publicity_started", _("开始公示")
        OBJECTED = "objected", _("公示异议成立")
        APPROVED = "approved", _("批准授予")

    round = models.ForeignKey(
        NominationRound,
        verbose_name=_("推评活动"),
        on_delete=models.PROTECT,
        related_name="steps",
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("推荐"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推评记录")
        verbose_name_plural = _("推评记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return "%s %s" % (self.round, self.get_action_display())


# ----------------------------------------------------------------------------------------------
# The craftsman pool (工匠库): criteria staff configure, plus people added or removed by hand.


class CraftsmanCriterion(models.Model):
    """One way into the pool; a worker meeting any active criterion is in it (unless removed
    by hand). Which fields matter depends on `kind`."""

    class Kind(models.TextChoices):
        SKILL_LEVEL = "skill_level", _("职业技能等级达到")
        COMPETITION_PRIZE = "competition_prize", _("技能竞赛获奖级别达到")
        HONOUR = "honour", _("获得荣誉")

    kind = models.CharField(_("条件类型"), max_length=20, choices=Kind.choices)
    min_skill_level = models.CharField(
        _("最低技能等级"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    min_award_level = models.CharField(
        _("最低级别"),
        max_length=20,
        choices=AwardLevel.choices,
        blank=True,
        help_text=_("竞赛获奖或荣誉的最低级别；荣誉条件留空表示任何级别。"),
    )
    honour_name = models.CharField(
        _("荣誉名称"),
        max_length=30,
        choices=[(str(n.value), n.label) for n in PERSON_HONOURS],
        blank=True,
        help_text=_("荣誉条件留空表示任何个人荣誉。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工匠库入库条件")
        verbose_name_plural = _("工匠库入库条件")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="skill_level") | ~Q(min_skill_level=""),
                name="craftsman_skill_criterion_has_level",
                violation_error_message=_("技能等级条件请选择最低技能等级。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="competition_prize") | ~Q(min_award_level=""),
                name="craftsman_prize_criterion_has_level",
                violation_error_message=_("竞赛获奖条件请选择最低级别。"),
            ),
        ]

    def __str__(self) -> str:
        return "%s %s" % (
            self.get_kind_display(),
            self.get_min_skill_level_display()
            or self.get_honour_name_display()
            or self.get_min_award_level_display(),
        )


class CraftsmanPoolChange(models.Model):
    """Staff add a worker to the pool or take one out, with a reason. The latest change of a
    worker decides; earlier ones stay as the history."""

    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="craftsman_pool_changes",
    )
    included = models.BooleanField(_("纳入工匠库"), help_text=_("勾选为人工纳入，不勾选为人工移出"))
    reason = models.TextField(_("理由"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工匠库人工调整")
        verbose_name_plural = _("工匠库人工调整")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["worker", "changed_at"], name="pool_change_worker_at")]

    def __str__(self) -> str:
        return "%s %s" % (self.worker, _("纳入") if self.included else _("移出"))


# ----------------------------------------------------------------------------------------------
# Innovation studios (劳模工匠创新工作室).


class InnovationStudio(models.Model):
    """A studio of an enterprise led by an honoured worker, with its members."""

    name = models.CharField(_("工作室名称"), max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所在企业"),
        on_delete=models.PROTECT,
        related_name="innovation_studios",
    )
    leader = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("领办人"),
        on_delete=models.PROTECT,
        related_name="led_studios",
    )
    members = models.ManyToManyField(
        "workers.Worker", verbose_name=_("成员"), blank=True, related_name="studios"
    )
    level = models.CharField(_("级别"), max_length=20, choices=AwardLevel.choices)
    founded_on = models.DateField(_("命名（成立）日期"))
    is_active = models.BooleanField(_("运行中"), default=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("劳模工匠创新工作室")
        verbose_name_plural = _("劳模工匠创新工作室")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                name="one_studio_name_per_enterprise",
                violation_error_message=_("该企业已有同名的工作室。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudioYearResult(models.Model):
    """A studio's results in one year."""

    studio = models.ForeignKey(
        InnovationStudio,
        verbose_name=_("工作室"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    patents = models.PositiveIntegerField(_("专利（项）"), default=0)
    process_improvements = models.PositiveIntegerField(_("工艺改进（项）"), default=0)
    savings_yuan = models.DecimalField(
        _("创造效益/节约成本（元）"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    trainees = models.PositiveIntegerField(_("带徒培训（人次）"), default=0)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作室年度成果")
        verbose_name_plural = _("工作室年度成果")
        ordering = ["studio", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "year"],
                name="one_studio_result_per_year",
                violation_error_message=_("该工作室这一年度的成果已登记。"),
            ),
            models.CheckConstraint(
                condition=Q(savings_yuan__gte=0),
                name="studio_savings_not_negative",
                violation_error_message=_("效益金额不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return "%s %d" % (self.studio, self.year)
