"""The record of every spreadsheet upload (STYLE.md rule 4)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.storage import encrypted_storage
from imports.registry import label_of


def import_upload_path(instance: "ImportRecord", filename: str) -> str:
    return "imports/%s/%s" % (instance.kind, filename)


class ImportRecord(models.Model):
    """An upload of a spreadsheet: recorded before anything else happens (STYLE.md rule 4)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("已校验，待确认")
        APPLYING = "applying", _("导入中")
        INVALID = "invalid", _("有错误，未导入")
        REFUSED = "refused", _("文件无法使用")
        APPLIED = "applied", _("已导入")
        FAILED = "failed", _("处理失败")
        EXPIRED = "expired", _("预览已过期")
        # The uploader dropped the preview (放弃); it can no longer be confirmed.
        DISCARDED = "discarded", _("已放弃")
        # Another upload of the same data for the same enterprise was previewed or applied
        # after it: confirming it would overwrite newer data (imports.services).
        SUPERSEDED = "superseded", _("已被新的上传取代")

    class Annotated(models.TextChoices):
        """The 错误说明 file of an upload with row errors (imports.services): a large upload's
        is built by the worker after its check, a small one's on its first download."""

        NOT_REQUESTED = "", _("未生成")
        QUEUED = "queued", _("生成中")
        READY = "ready", _("已生成")
        UNUSABLE = "unusable", _("无法生成")

    class Source(models.TextChoices):
        """How the file came in (the values import_record_create's callers write)."""

        WEB = "web", _("网页上传")
        CLI = "cli", _("命令行导入")
        BENCH = "bench", _("性能测试")

    # The data set's key in imports.registry (e.g. "roster"); its label comes from there.
    kind = models.CharField(_("数据类型"), max_length=20, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_records",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_records",
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.WEB)
    # Encrypted at rest (core.storage); deleted after the retention period staff set
    # (ImportRetention), leaving the record, its counts and its errors.
    file = models.FileField(
        _("文件"), upload_to=import_upload_path, storage=encrypted_storage, blank=True
    )
    file_deleted_at = models.DateTimeField(_("原始文件删除时间"), null=True, blank=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    sheet_name = models.CharField(_("读取的工作表"), max_length=100, blank=True)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    # What the preview found beyond counts: changed fields per row, departing workers, whether
    # the departures need a second confirmation.
    details = models.JSONField(_("预览详情"), default=dict, blank=True)
    # The checked rows of a clean preview, applied on confirmation (imports.staging).
    staged_rows = models.FileField(
        _("已校验数据"), upload_to="imports/staged/", storage=encrypted_storage, blank=True
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认导入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirm_departures = models.BooleanField(_("已确认离职人数"), default=False)
    # Runs started: a file that kills its worker again and again is given up after a few.
    attempts = models.PositiveSmallIntegerField(_("处理次数"), default=0)
    # When the broker took this step's task; empty while it waits for the broker (down when
    # the user sent the file), and the sweeper sends it when the broker is back.
    sent_at = models.DateTimeField(_("送入任务队列时间"), null=True, blank=True)
    annotated = models.CharField(
        _("错误说明文件"), max_length=10, choices=Annotated.choices, default="", blank=True
    )
    # When the 错误说明 file's build was queued or last started: one queued long ago and not
    # built was lost with its worker, and is queued again (import_annotated_sweep).
    annotated_queued_at = models.DateTimeField(_("错误说明文件排队时间"), null=True, blank=True)
    # Builds of the 错误说明 file started: one that kills its worker again and again (and is
    # delivered or queued again each time) is given up after a few.
    annotated_attempts = models.PositiveSmallIntegerField(_("错误说明文件生成次数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]
        # The table and index kept the names they had when the model lived in `core`.
        db_table = "core_importrecord"
        indexes = [
            models.Index(
                fields=["kind", "enterprise", "status"], name="core_import_kind_43a073_idx"
            )
        ]

    IN_PROGRESS = (Status.PENDING, Status.VALIDATING, Status.APPLYING)

    def __str__(self) -> str:
        return "%s %s" % (self.get_kind_display(), self.original_name)

    def get_kind_display(self) -> str:
        return label_of(self.kind)

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS


class ImportRetention(models.Model):
    """How long uploaded originals are kept (one row, staff edit it in the admin). The
    originals hold every worker's ID number and phone; after this many days only the record,
    its counts and its errors remain (PIPL: keep personal data no longer than needed)."""

    originals_days = models.PositiveIntegerField(
        _("原始文件保存天数"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("上传的原始文件（含身份证号、手机号码）在导入完成后保存的天数，到期自动删除。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("原始文件保存期限")
        verbose_name_plural = _("原始文件保存期限")

    def __str__(self) -> str:
        return gettext("原始文件保存%(days)s天") % {"days": self.originals_days}

    @classmethod
    def current(cls) -> "ImportRetention":
        return cls.objects.order_by("pk").first() or cls()
