import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import ContractType, PoliticalStatus, Sex, SkillLevel
from core.identity import mask_id_number, mask_phone, parse_resident_id, validate_resident_id
from enterprises.models import Enterprise


class Worker(models.Model):
    """产业工人: one person, unique by resident ID number across all enterprises (DOMAIN.md)."""

    id_number = models.CharField(
        _("身份证号"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    # Derived from the ID number, never typed twice (DOMAIN.md).
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)
    education = models.CharField(_("学历"), max_length=30, blank=True)
    political_status = models.CharField(
        _("政治面貌"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
        db_index=True,
    )
    skill_level = models.CharField(
        _("职业技能等级"), max_length=20, choices=SkillLevel.choices, blank=True, db_index=True
    )
    # Membership follows the person (一次入会、动态接转), so it lives on the worker.
    is_union_member = models.BooleanField(_("工会会员"), default=False, db_index=True)
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

    def __str__(self) -> str:
        return "%s（%s）" % (self.name, self.masked_id_number)

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
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="employments"
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
