from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identity import validate_uscc


class Village(models.Model):
    """村（社区）/ 村（居）: every enterprise belongs to one."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("村（社区）")
        verbose_name_plural = _("村（社区）")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndustrialPark(models.Model):
    """工业园区: an enterprise may be in one."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工业园区")
        verbose_name_plural = _("工业园区")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """An enterprise of the register (企业名录), keyed by its USCC."""

    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    village = models.ForeignKey(
        Village,
        verbose_name=_("所属村（社区）"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    park = models.ForeignKey(
        IndustrialPark,
        verbose_name=_("所属工业园区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        null=True,
        blank=True,
    )
    is_above_scale = models.BooleanField(_("规上企业"), default=False)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    hr_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业人事账号"),
        related_name="hr_enterprises",
        blank=True,
        help_text=_("这些账号以“企业人事”身份管理本企业的花名册和培训经费申报。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业名录")
        ordering = ["name"]
        indexes = [
            # The union dashboard's and enterprise list's order (above-scale first, then by
            # name): their first page of 30,000 enterprises is read in order, not sorted.
            models.Index(fields=["-is_above_scale", "name", "id"], name="enterprise_scale_name"),
        ]

    def __str__(self) -> str:
        return self.name
