import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import SKILL_LEVEL_RANK, ContractType, PoliticalStatus, Sex, SkillLevel
from core.crypto import DigestField, EncryptedTextField
from core.identity import mask_id_number, mask_phone, parse_resident_id, validate_resident_id
from enterprises.models import Enterprise


class Worker(models.Model):
    """产业工人: one person, unique by resident ID number across all enterprises (DOMAIN.md)."""

    # Encrypted at rest; found and kept unique by its keyed HMAC (core.crypto, issue 12).
    id_number = EncryptedTextField(
        _("身份证号"),
        max_length=18,
        validators=[validate_resident_id],
        digest_field="id_number_digest",
    )
    # Unique through Meta.constraints, not unique=True: that would add a LIKE index on
    # PostgreSQL, which an equality-only digest never uses and every roster insert pays for.
    id_number_digest = DigestField(_("身份证号摘要"), source="id_number")
    name = models.CharField(_("姓名"), max_length=50)
    # Derived from the ID number, never typed twice (DOMAIN.md).
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = EncryptedTextField(_("手机号码"), max_length=30, blank=True)
    education = models.CharField(_("学历"), max_length=30, blank=True)
    political_status = models.CharField(
        _("政治面貌"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    skill_level = models.CharField(
        _("职业技能等级"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    # Membership follows the person (一次入会、动态接转), so it lives on the worker.
    is_union_member = models.BooleanField(_("工会会员"), default=False)
    union_joined_on = models.DateField(_("入会日期"), null=True, blank=True)
    # When a member left (a roster saying 否): kept with the joined date, so figures as of an
    # earlier day still count them (DOMAIN.md: figures as of a date).
    union_left_on = models.DateField(_("退会日期"), null=True, blank=True)
    remarks = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职工")
        verbose_name_plural = _("职工")
        ordering = ["name", "id"]
        # Staff see ID numbers masked and unmask one worker on purpose (logged, issue 12).
        permissions = [("view_full_id_number", _("查看完整身份证号和手机号码"))]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                name="worker_id_number_digest_unique",
                violation_error_message=_("该身份证号已经登记。"),
            ),
        ]
        # Plain b-tree indexes only (db_index=True on a text column adds a LIKE index on
        # PostgreSQL that no query here uses): every roster insert maintains each of them.
        indexes = [
            models.Index(fields=["name", "id"], name="worker_name_id"),
            models.Index(fields=["political_status"], name="worker_political_status"),
            models.Index(fields=["skill_level"], name="worker_skill_level"),
        ]

    def __str__(self) -> str:
        # The name only: this text reaches everyone who may see the worker (autocomplete, lists,
        # titles), union officers too, who never see an ID number (DOMAIN.md).
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.id_number and (not self.sex or not self.birth_date):
            self.derive_from_id_number()
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def validate_unique(self, exclude=None) -> None:
        """One person, one ID number: checked on the digest, which no form shows."""
        super().validate_unique(exclude)
        if (exclude and "id_number" in exclude) or not self.id_number:
            return
        if Worker.objects.filter(id_number=self.id_number).exclude(pk=self.pk).exists():
            raise ValidationError({"id_number": self.unique_error_message(Worker, ["id_number"])})

    def derive_from_id_number(self) -> None:
        """Sex and birth date come from the ID number (DOMAIN.md)."""
        resident_id = parse_resident_id(self.id_number)
        self.id_number = resident_id.number
        self.sex = resident_id.sex
        self.birth_date = resident_id.birth_date

    def clean(self) -> None:
        super().clean()
        if self.id_number:
            self.derive_from_id_number()


def employment_active_on(day: datetime.date) -> Q:
    """Employed on `day`: hired on or before it and not departed on or before it (DOMAIN.md:
    a worker who departed today is not active today). The one definition: the queryset method
    below filters by it and `workers.figures` compiles it into its raw SQL."""
    return Q(hire_date__lte=day) & (Q(departure_date__isnull=True) | Q(departure_date__gt=day))


class EmploymentQuerySet(models.QuerySet):
    def active_on(self, day):
        """The employments active on `day` (`employment_active_on`)."""
        return self.filter(employment_active_on(day))


class Employment(models.Model):
    """Links a worker to an enterprise; departures are dated, never deleted (DOMAIN.md)."""

    worker = models.ForeignKey(
        Worker,
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="employments",
        db_index=False,  # the (worker, hire_date, departure_date) index below serves it
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="employments",
        db_index=False,  # the (enterprise, departure_date) index below serves it
    )
    position = models.CharField(_("岗位"), max_length=100, blank=True)
    is_frontline = models.BooleanField(_("一线职工"), default=False)
    contract_type = models.CharField(
        _("劳动合同类型"), max_length=20, choices=ContractType.choices, blank=True
    )
    hire_date = models.DateField(_("入职日期"))
    departure_date = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        ordering = ["-hire_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "enterprise"],
                condition=Q(departure_date__isnull=True),
                name="one_open_employment_per_enterprise",
                violation_error_message=_("该职工在本企业已有在职记录。"),
            ),
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True) | Q(departure_date__gte=F("hire_date")),
                name="departure_not_before_hire",
                violation_error_message=_("离职日期不能早于入职日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "departure_date"]),
            models.Index(fields=["hire_date", "departure_date"]),
            # Workers in more than one job on a day, from the index alone (workers.figures).
            models.Index(
                fields=["worker", "hire_date", "departure_date"], name="employment_worker_dates"
            ),
        ]

    def __str__(self) -> str:
        return "%s @ %s" % (self.worker.name, self.enterprise.name)


class WorkerTransfer(models.Model):
    """调动申请: a roster row naming a person whom another enterprise employs right now.

    The roster opens the employment at the uploading enterprise (its roster says the person
    works there) but may not overwrite who the person is: name, phone, political status,
    education, skill level, remarks and union membership stay as the current employer or staff
    recorded them (issue 12). Staff decide here (workers.services): confirming applies the
    row's values and ends the employments at the enterprises the person came from; rejecting
    keeps the record and removes the employment the roster opened. The row's phone is not
    kept here (PIPL: no personal data in clear beyond what the register holds).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")

    worker = models.ForeignKey(
        Worker, verbose_name=_("职工"), on_delete=models.PROTECT, related_name="transfers"
    )
    to_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("调入企业"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    # The enterprises employing the person when the roster was uploaded: [{"id", "name"}].
    from_enterprises = models.JSONField(_("原任职企业"), default=list, blank=True)
    # The employment the roster opened at to_enterprise (None when it was open already).
    employment = models.ForeignKey(
        Employment,
        verbose_name=_("本次新建的任职记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hire_date = models.DateField(_("入职日期"))
    # The roster row's values of the identity fields it had columns for (no phone).
    proposed = models.JSONField(_("花名册填报的个人信息"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("调动申请")
        verbose_name_plural = _("调动申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A later roster refreshes the pending request instead of asking twice.
            models.UniqueConstraint(
                fields=["worker", "to_enterprise"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_worker_and_enterprise",
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return "%s → %s" % (self.worker.name, self.to_enterprise.name)


class RecordSource(models.TextChoices):
    """Where a skills record came from (certificates, training records, results)."""

    UPLOAD = "upload", _("企业上传")
    COMMAND = "command", _("批量导入")
    ADMIN = "admin", _("后台录入")


class SkillCertificate(models.Model):
    """职业技能等级证书 (seed measure 6). A worker's effective skill level on a day is the higher
    of the roster's level and the highest certificate issued on or before it (DOMAIN.md), so a
    roster re-uploaded with a lower level never hides a certificate."""

    worker = models.ForeignKey(
        Worker,
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="certificates",
        db_index=False,  # the (worker, issued_on) index below serves it
    )
    occupation = models.CharField(_("职业（工种）"), max_length=50)
    level = models.CharField(_("技能等级"), max_length=20, choices=SkillLevel.choices)
    # SKILL_LEVEL_RANK of `level`, kept with it so figures compare levels in SQL.
    level_rank = models.PositiveSmallIntegerField(_("等级序号"), editable=False)
    # Trimmed and upper-case (DOMAIN.md): one number, one person.
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发证日期"))
    issuer = models.CharField(_("发证机构"), max_length=100, blank=True)
    # The enterprise whose HR uploaded it (None: staff or a command); for the record only.
    enterprise = models.ForeignKey(
        Enterprise,
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
        verbose_name = _("职业技能等级证书")
        verbose_name_plural = _("职业技能等级证书")
        ordering = ["-issued_on", "number"]
        indexes = [
            models.Index(fields=["worker", "issued_on"], name="certificate_worker_issued"),
            models.Index(fields=["issued_on", "level_rank"], name="certificate_issued_rank"),
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.get_level_display(), self.number)

    def save(self, *args, **kwargs) -> None:
        self.level_rank = SKILL_LEVEL_RANK[str(self.level)]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "level" in update_fields:
            kwargs["update_fields"] = {*update_fields, "level_rank"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.number = "".join(str(self.number or "").split()).upper()
        if self.issued_on and self.issued_on > timezone.localdate():
            raise ValidationError({"issued_on": _("发证日期不能晚于今天。")})
