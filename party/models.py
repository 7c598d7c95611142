import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import PARTY_STATUSES

if TYPE_CHECKING:
    from workers.models import Worker


class PartyBranch(models.Model):
    """党组织: one enterprise's own branch, or a joint branch serving several enterprises
    (seed measure 1)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单独组建")
        JOINT = "joint", _("联合组建")

    name = models.CharField(_("党组织名称"), max_length=200, unique=True)
    kind = models.CharField(_("组建方式"), max_length=10, choices=Kind.choices)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    secretary = models.CharField(_("书记"), max_length=50, blank=True)
    village = models.ForeignKey(
        "enterprises.Village",
        verbose_name=_("所属村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_branches",
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name=_("所服务企业"),
        related_name="party_branches",
        blank=True,
    )
    # Includes former members; PartyBranchMember.objects.open() gives the current ones.
    members: "models.ManyToManyField[Worker, PartyBranchMember]" = models.ManyToManyField(
        "workers.Worker",
        verbose_name=_("党员"),
        through="PartyBranchMember",
        related_name="party_branches",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartyBranchMemberQuerySet(models.QuerySet):
    def open(self):
        """Memberships not (yet) ended: the branch's current members."""
        return self.filter(left_on__isnull=True)


class PartyBranchMember(models.Model):
    """A worker's membership of a branch, with its dates; leaving is dated, not deleted."""

    branch = models.ForeignKey(
        PartyBranch,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="party_memberships",
    )
    joined_on = models.DateField(_("转入日期"))
    left_on = models.DateField(_("转出日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PartyBranchMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织党员")
        verbose_name_plural = _("党组织党员")
        ordering = ["branch", "worker__name", "-joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "worker"],
                condition=Q(left_on__isnull=True),
                name="one_open_membership_per_branch_and_worker",
                violation_error_message=_("该职工已是这个党组织的党员。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="party_membership_ends_after_it_starts",
                violation_error_message=_("转出日期不能早于转入日期。"),
            ),
        ]

    def __str__(self) -> str:
        return "%s → %s" % (self.worker, self.branch)

    def clean(self) -> None:
        """Only a 中共党员 or 中共预备党员 may become an open member (DOMAIN.md: 政治面貌).

        Closing a membership is always allowed, so that staff can act on
        `party_members_inconsistent()` after a roster changed the worker's status.
        """
        super().clean()
        if self.worker_id is None or self.left_on is not None:
            return
        previous = (
            PartyBranchMember.objects.filter(pk=self.pk).values("worker_id", "left_on").first()
            if self.pk
            else None
        )
        opens = (
            previous is None
            or previous["worker_id"] != self.worker_id
            or previous["left_on"] is not None
        )
        if opens and self.worker.political_status not in PARTY_STATUSES:
            raise ValidationError(
                {
                    "worker": gettext(
                        "该职工的政治面貌是“%(status)s”，只有中共党员或中共预备党员才能加入党组织。"
                        "如政治面貌有误，请先在职工信息中更正。"
                    )
                    % {"status": self.worker.get_political_status_display()}
                }
            )


class PartyActivity(models.Model):
    """A branch's organisational life: 三会一课 and 主题党日 (seed measure 1)."""

    class Kind(models.TextChoices):
        GENERAL_MEETING = "general_meeting", _("支部党员大会")
        COMMITTEE_MEETING = "committee_meeting", _("支部委员会")
        GROUP_MEETING = "group_meeting", _("党小组会")
        PARTY_LECTURE = "party_lecture", _("党课")
        THEMED_PARTY_DAY = "themed_party_day", _("主题党日")
        OTHER = "other", _("其他")

    branch = models.ForeignKey(
        PartyBranch,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    held_on = models.DateField(_("活动日期"))
    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("主题"), max_length=200)
    attendance = models.PositiveIntegerField(_("参加人数"), validators=[MinValueValidator(1)])
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党组织活动")
        verbose_name_plural = _("党组织活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["branch", "held_on"])]

    def __str__(self) -> str:
        return "%s %s %s" % (self.held_on, self.branch, self.get_kind_display())


# 三会一课: the three meetings and the party lecture.
THREE_MEETINGS_ONE_LESSON = (
    PartyActivity.Kind.GENERAL_MEETING,
    PartyActivity.Kind.COMMITTEE_MEETING,
    PartyActivity.Kind.GROUP_MEETING,
    PartyActivity.Kind.PARTY_LECTURE,
)


class WorkerRepresentativeQuerySet(models.QuerySet):
    def in_office_on(self, day: datetime.date):
        """In office on `day`: term started on or before it; `term_end` is the last day."""
        return self.filter(term_start__lte=day).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=day)
        )


class WorkerRepresentative(models.Model):
    """An industrial worker serving as 党代表, 人大代表, 政协委员 or holding a post in a mass
    organisation (群团组织挂职/兼职) (seed measure 9)."""

    class Role(models.TextChoices):
        PARTY_CONGRESS = "party_congress", _("党代表")
        PEOPLES_CONGRESS = "peoples_congress", _("人大代表")
        CPPCC = "cppcc", _("政协委员")
        MASS_ORG_SECONDED = "mass_org_seconded", _("群团组织挂职")
        MASS_ORG_PART_TIME = "mass_org_part_time", _("群团组织兼职")

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCE = "province", _("省")
        SHAOXING = "shaoxing", _("绍兴市")
        SHENGZHOU = "shengzhou", _("嵊州市")
        SUBDISTRICT = "subdistrict", _("街道")

    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="representative_posts",
    )
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices)
    body = models.CharField(
        _("所在机构"), max_length=100, help_text=_("例如：嵊州市人大、嵊州市总工会")
    )
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WorkerRepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("职工代表任职")
        verbose_name_plural = _("职工代表任职")
        ordering = ["-term_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="representative_term_ends_after_it_starts",
                violation_error_message=_("任期结束不能早于任期开始。"),
            ),
        ]
        indexes = [models.Index(fields=["term_start", "term_end"])]

    def __str__(self) -> str:
        return "%s %s（%s）" % (self.worker, self.get_role_display(), self.body)
