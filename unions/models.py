from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class UnionOrganisation(models.Model):
    """基层工会: one enterprise's own union, or a joint union (村居/园区联合工会) covering many
    small enterprises (DOMAIN.md; seed measure 10)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单独建会")
        JOINT = "joint", _("联合工会")

    name = models.CharField(_("工会名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    chair = models.CharField(_("工会主席"), max_length=50, blank=True)
    village = models.ForeignKey(
        "enterprises.Village",
        verbose_name=_("所属村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unions",
    )
    park = models.ForeignKey(
        "enterprises.IndustrialPark",
        verbose_name=_("所属工业园区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unions",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnionCoverageQuerySet(models.QuerySet):
    def active_on(self, day):
        """Coverage in force on `day`: started on or before it and not ended by it."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )


class UnionCoverage(models.Model):
    """Which enterprises a union covers, over time: an enterprise may join or leave a joint
    union, and the history is kept (figures are computed as of a date)."""

    union = models.ForeignKey(
        UnionOrganisation,
        verbose_name=_("工会"),
        on_delete=models.CASCADE,
        related_name="coverages",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="union_coverages",
    )
    start_date = models.DateField(_("覆盖开始日期"))
    end_date = models.DateField(_("覆盖结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = UnionCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会覆盖企业")
        verbose_name_plural = _("工会覆盖企业")
        ordering = ["union", "enterprise", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "enterprise"],
                condition=Q(end_date__isnull=True),
                name="one_open_coverage_per_union_and_enterprise",
                violation_error_message=_("该工会已在覆盖这家企业。"),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="coverage_ends_after_it_starts",
                violation_error_message=_("覆盖结束日期不能早于开始日期。"),
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "start_date"])]

    def __str__(self) -> str:
        return "%s → %s" % (self.union, self.enterprise)


class UnionMembershipChange(models.Model):
    """Each change of a worker's union membership, with who made it and when: from a roster
    upload or corrected by a union officer (issue 4). Membership follows the person
    (一次入会、动态接转, DOMAIN.md), so the current state lives on the worker."""

    class Source(models.TextChoices):
        ROSTER = "roster", _("花名册导入")
        CORRECTION = "correction", _("工会干部更正")

    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("职工"),
        on_delete=models.CASCADE,
        related_name="membership_changes",
    )
    is_member = models.BooleanField(_("是否会员"))
    joined_on = models.DateField(_("入会日期"), null=True, blank=True)
    union = models.ForeignKey(
        UnionOrganisation,
        verbose_name=_("所在工会"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership_changes",
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("会员变动记录")
        verbose_name_plural = _("会员变动记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return "%s %s" % (self.worker_id, self.changed_at)
