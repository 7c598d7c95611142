from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin, user_column, year_filter
from core.choices import SkillLevel
from core.models import PersonalDataAccess
from core.roles import is_sub_district_staff, sees_personal_data
from core.services import personal_data_access_record
from enterprises.models import IndustrialPark, Village
from imports.admin import ExportColumn, XlsxExportMixin
from workers.models import Employment, SkillCertificate, Worker, WorkerTransfer
from workers.selectors import (
    FULL_ID_PERMISSION,
    employments_visible_to,
    worker_transfers_visible_to,
    workers_visible_to,
)
from workers.services import (
    MEMBERSHIP_FIELDS,
    employment_delete,
    employment_save,
    skill_certificate_delete,
    skill_certificate_save,
    worker_delete,
    worker_save,
    worker_transfer_confirm,
    worker_transfer_reject,
)
from workers.skills import (
    EFFECTIVE_RANK,
    filter_by_effective_skill,
    label_of_rank,
    with_effective_skill,
)

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object

# A worker's personal data (DOMAIN.md): no admin list filters, searches (but the exact ID
# search of those who see it), sorts or lookups on them. Substrings, so that the encrypted
# column's digest (id_number_digest) and the masked display columns are covered too.
PERSONAL_NAMES = ("id_number", "phone", "birth_date")


def touches_personal_data(lookup: str) -> bool:
    """A lookup path, search field or column name reaching an ID number, phone or birth date."""
    parts = lookup.lstrip("=^@").split(LOOKUP_SEP)
    return any(name in part for part in parts for name in PERSONAL_NAMES)


class PersonalDataGuardMixin(_AdminBase):
    """For admins listing workers or rows pointing to workers (employments, party members):
    - no URL lookup (?id_number__startswith=…, ?worker__birth_date__year=…) on personal data,
      for anyone, so a filter can never serve as an oracle: Django answers 400;
    - searching by the whole ID number (`personal_search_fields`, exact "=" lookups, which the
      encrypted column answers through its digest) only for users who see personal data;
      union officers and officials search by name (autocomplete uses the same rule);
    - no sorting by personal columns (an encrypted column cannot be sorted anyway).
    """

    personal_search_fields: Sequence[str] = ()

    def lookup_allowed(self, lookup, value, request=None):
        if touches_personal_data(lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = [f for f in super().get_search_fields(request) if not touches_personal_data(f)]
        if sees_personal_data(request.user):
            fields += list(self.personal_search_fields)
        return fields

    def get_sortable_by(self, request):
        return [
            name
            for name in super().get_sortable_by(request)
            if not (isinstance(name, str) and touches_personal_data(name))
        ]


def _active_employments():
    return Employment.objects.active_on(timezone.localdate()).filter(worker=OuterRef("pk"))


class FrontlineFilter(admin.SimpleListFilter):
    title = _("一线职工")
    parameter_name = "frontline"

    def lookups(self, request, model_admin):
        return [("1", _("是")), ("0", _("否"))]

    def queryset(self, request, queryset):
        frontline = Exists(_active_employments().filter(is_frontline=True))
        if self.value() == "1":
            return queryset.filter(frontline)
        if self.value() == "0":
            return queryset.exclude(frontline)
        return queryset


class VillageFilter(admin.SimpleListFilter):
    """Workers currently employed by an enterprise of the village."""

    title = _("所属村（社区）")
    parameter_name = "village"

    def lookups(self, request, model_admin):
        return list(Village.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(_active_employments().filter(enterprise__village_id=self.value()))
            )
        return queryset


class ParkFilter(admin.SimpleListFilter):
    title = _("所属工业园区")
    parameter_name = "park"

    def lookups(self, request, model_admin):
        return list(IndustrialPark.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(_active_employments().filter(enterprise__park_id=self.value()))
            )
        return queryset


class AboveScaleFilter(admin.SimpleListFilter):
    title = _("规上企业职工")
    parameter_name = "above_scale"

    def lookups(self, request, model_admin):
        return [("1", _("是")), ("0", _("否"))]

    def queryset(self, request, queryset):
        above = Exists(_active_employments().filter(enterprise__is_above_scale=True))
        if self.value() == "1":
            return queryset.filter(above)
        if self.value() == "0":
            return queryset.exclude(above)
        return queryset


def _effective_skill_label(worker: Worker) -> str:
    return label_of_rank(getattr(worker, EFFECTIVE_RANK, 0))


class EffectiveSkillFilter(admin.SimpleListFilter):
    """By the effective skill level today (DOMAIN.md: the roster's level or a higher
    certificate issued by today), a level or a group of levels."""

    title = _("职业技能等级（含证书）")
    parameter_name = "effective_skill"

    def lookups(self, request, model_admin):
        return [
            *SkillLevel.choices,
            ("none", _("无等级")),
            ("skilled", _("技能人才（初级工及以上）")),
            ("high_skilled", _("高技能人才（高级工及以上）")),
            ("technician", _("技师及以上")),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return filter_by_effective_skill(queryset, timezone.localdate(), self.value())
        return queryset


class FullIdExportMixin(_AdminBase):
    """For admin exports with a whole ID number column (ExportColumn personal=True): the
    column only for users who hold the permission to see whole ID numbers; the export itself
    logs who took them (imports.admin.XlsxExportMixin)."""

    def get_export_columns(self, request: HttpRequest) -> list[ExportColumn]:
        columns = super().get_export_columns(request)  # type: ignore[misc]
        if request.user.has_perm(FULL_ID_PERMISSION):
            return columns
        return [column for column in columns if not column.personal]


class SkillCertificateInline(admin.TabularInline):
    """The worker's certificates on their change page, read-only (kept in 职业技能等级证书).
    Only staff see it: nobody else holds the permission to view certificates here."""

    model = SkillCertificate
    extra = 0
    can_delete = False
    fields = readonly_fields = ("occupation", "level", "number", "issued_on", "issuer", "source")
    verbose_name_plural = _("职业技能等级证书（在“职业技能等级证书”中录入和修改）")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    fields = [
        "enterprise",
        "position",
        "is_frontline",
        "contract_type",
        "hire_date",
        "departure_date",
    ]
    autocomplete_fields = ["enterprise"]

    def get_queryset(self, request: HttpRequest):
        return employments_visible_to(request.user)


@admin.register(Worker)
class WorkerAdmin(PersonalDataGuardMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("姓名"), "name"),
        ExportColumn(_("身份证号"), "id_number", personal=True),
        (_("性别"), "sex"),
        ExportColumn(_("出生日期"), "birth_date", personal=True),
        ExportColumn(_("手机号码"), "phone", personal=True),
        (_("学历"), "education"),
        (_("政治面貌"), "political_status"),
        (_("职业技能等级"), "skill_level"),
        # The roster's level above; with certificates issued by today (annotated by
        # get_queryset, DOMAIN.md) here.
        ExportColumn(_("职业技能等级（含证书）"), _effective_skill_label),
        (_("是否工会会员"), "is_union_member"),
    ]
    # 100,000 workers here, 10,000,000 for a province: count the rows shown once, not the
    # whole table again for "show all (N)".
    show_full_result_count = False
    # No birth date: with a masked ID number it is nearly the whole number (DOMAIN.md).
    list_display = [
        "name",
        "masked_id_number_display",
        "sex",
        "political_status",
        "effective_skill_display",
        "is_union_member",
    ]
    list_filter = [
        VillageFilter,
        ParkFilter,
        AboveScaleFilter,
        FrontlineFilter,
        EffectiveSkillFilter,
        "political_status",
        "is_union_member",
    ]
    search_fields = ["name"]
    personal_search_fields = ["=id_number"]
    inlines = [EmploymentInline, SkillCertificateInline]
    # Membership is changed only on the union correction page, which keeps its history.
    readonly_fields = [
        "sex",
        "birth_date",
        "masked_id_number_display",
        "personal_id_number",
        "masked_phone_display",
        "effective_skill_display",
        *MEMBERSHIP_FIELDS,
        "union_membership_link",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "id_number",
                    "sex",
                    "birth_date",
                    "phone",
                    "education",
                    "political_status",
                    "skill_level",
                    "effective_skill_display",
                ]
            },
        ),
        (
            _("工会"),
            {
                "fields": [*MEMBERSHIP_FIELDS, "union_membership_link"],
                "description": _(
                    "会员关系随人走（一次入会、动态接转）：入会、退会和日期由花名册导入，"
                    "或在工会会员页更正，每次变动都留有记录，这里不能修改。"
                ),
            },
        ),
        (None, {"fields": ["remarks"]}),
    ]

    # Never `ordering=`: the changelist sorts by any column's ordering, sortable_by or not.
    @admin.display(description=_("身份证号"))
    def masked_id_number_display(self, worker: Worker) -> str:
        return worker.masked_id_number

    @admin.display(description=_("身份证号"))
    def personal_id_number(self, worker: Worker) -> str:
        # Staff's change page: masked until unmasked ("显示完整身份证号", change_form.html).
        return worker.masked_id_number

    @admin.display(description=_("职业技能等级（含证书）"), ordering=EFFECTIVE_RANK)
    def effective_skill_display(self, worker: Worker) -> str:
        # Annotated by get_queryset (one query for the page, not one per row).
        return _effective_skill_label(worker) or "—"

    @admin.display(description=_("手机号码"))
    def masked_phone_display(self, worker: Worker) -> str:
        return worker.masked_phone or "—"

    @admin.display(description=_("更正会员信息"))
    def union_membership_link(self, worker: Worker) -> str:
        if worker.pk is None:
            return gettext("保存职工后，在工会会员页登记入会。")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("unions:membership", args=[worker.pk]),
            gettext("到工会会员页更正（记录变动历史）"),
        )

    def save_model(self, request, obj, form, change):
        worker_save(user=request.user, worker=obj)

    def delete_model(self, request, obj):
        worker_delete(user=request.user, worker=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Employment:
            # The certificates are read-only here: nothing to write (the lists it leaves empty
            # are what the admin's change message reads).
            formset.save(commit=False)
            return
        self.save_inline_rows(
            request, formset, save=employment_save, delete=employment_delete, row="employment"
        )

    def get_queryset(self, request: HttpRequest):
        # The effective skill level today for the list's column and its sort.
        return with_effective_skill(workers_visible_to(request.user), timezone.localdate())

    def get_list_display(self, request):
        if sees_personal_data(request.user):
            return self.list_display
        return [name for name in self.list_display if not touches_personal_data(name)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and sees_personal_data(request.user):
            return fieldsets  # a new worker: typed in, nothing stored to hide
        if getattr(request, "_reveal_personal", False):
            return fieldsets  # unmasked on purpose (reveal_view), editable
        if sees_personal_data(request.user):
            # Staff see a masked number with the unmask button, the masked phone, no birth date.
            replace = {"id_number": "personal_id_number", "phone": "masked_phone_display"}
            drop = {"birth_date"}
        else:
            # Union officers review membership without ID number, phone or birth date.
            replace = {}
            drop = set(PERSONAL_NAMES)
        trimmed = []
        for title, options in fieldsets:
            fields = [replace.get(f, f) for f in options["fields"] if f not in drop]
            trimmed.append((title, {**options, "fields": fields}))
        return trimmed

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        # The unmask button (admin/workers/worker/change_form.html): a POST form of its own,
        # with its CSRF token, so no personal data ever travels in a URL.
        if (
            obj is not None
            and not getattr(request, "_reveal_personal", False)
            and is_sub_district_staff(request.user)
            and request.user.has_perm(FULL_ID_PERMISSION)
        ):
            context["reveal_url"] = reverse("admin:workers_worker_reveal", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="workers_worker_reveal",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and not getattr(request, "_reveal_personal", False):
            _log_change_page(request, self, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def reveal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Staff unmask one worker: the change form with the full ID number and phone,
        editable (a save posts back here), and an access-log row (issue 12)."""
        change_url = reverse("admin:workers_worker_change", args=[object_id])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)  # "save and continue" comes back here
        worker = self.get_object(request, unquote(object_id))
        if worker is None or not self.has_view_permission(request, worker):
            raise Http404
        if not (is_sub_district_staff(request.user) and request.user.has_perm(FULL_ID_PERMISSION)):
            raise PermissionDenied
        request._reveal_personal = True  # type: ignore[attr-defined]
        saving = any(name in request.POST for name in ("_save", "_continue", "_addanother"))
        if not saving:
            personal_data_access_record(
                actor=request.user,
                action=PersonalDataAccess.Action.REVEAL,
                object_type=Worker,
                object_id=worker.pk,
                detail={"page": "admin:workers_worker_change"},
            )
            # Show the form (the CSRF check has passed); nothing posted is saved.
            request.method = "GET"
        return self.changeform_view(request, object_id, form_url=request.path)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())


@admin.register(Employment)
class EmploymentAdmin(PersonalDataGuardMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("姓名"), "worker__name"),
        ExportColumn(_("身份证号"), "worker__id_number", personal=True),
        (_("企业名称"), "enterprise__name"),
        (_("统一社会信用代码"), "enterprise__uscc"),
        (_("岗位"), "position"),
        (_("是否一线职工"), "is_frontline"),
        (_("劳动合同类型"), "contract_type"),
        (_("入职日期"), "hire_date"),
        (_("离职日期"), "departure_date"),
    ]
    show_full_result_count = False  # as WorkerAdmin: one count of a list that grows with people
    list_display = [
        "worker_name",
        "masked_id_number",
        "enterprise",
        "position",
        "is_frontline",
        "contract_type",
        "hire_date",
        "departure_date",
    ]
    list_filter = [
        "enterprise__village",
        "enterprise__park",
        "enterprise__is_above_scale",
        "is_frontline",
        "contract_type",
    ]
    list_select_related = ["worker", "enterprise"]
    search_fields = ["worker__name", "enterprise__name", "=enterprise__uscc"]
    personal_search_fields = ["=worker__id_number"]
    autocomplete_fields = ["worker", "enterprise"]
    date_hierarchy = "hire_date"

    @admin.display(description=_("姓名"), ordering="worker__name")
    def worker_name(self, employment: Employment) -> str:
        return employment.worker.name

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, employment: Employment) -> str:
        return employment.worker.masked_id_number

    def save_model(self, request, obj, form, change):
        employment_save(user=request.user, employment=obj)

    def delete_model(self, request, obj):
        employment_delete(user=request.user, employment=obj)

    def get_queryset(self, request: HttpRequest):
        return employments_visible_to(request.user)

    def get_list_display(self, request):
        if sees_personal_data(request.user):
            return self.list_display
        return [name for name in self.list_display if not touches_personal_data(name)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            _log_change_page(request, self, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())


def _log_change_page(request: HttpRequest, model_admin: Any, object_id: str) -> None:
    """A change page of a worker or employment opened by staff (or HR): an access-log row."""
    if not sees_personal_data(request.user):
        return
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        return  # Django answers "not found" itself
    personal_data_access_record(
        actor=request.user,
        action=PersonalDataAccess.Action.VIEW,
        object_type=model_admin.model,
        object_id=obj.pk,
        detail={"page": "admin:%s_change" % model_admin.opts.label_lower.replace(".", "_")},
    )


@admin.register(WorkerTransfer)
class WorkerTransferAdmin(PersonalDataGuardMixin, ServiceModelAdmin):
    """调动申请 for staff: read-only rows, decided by the actions, which call the services."""

    list_display = [
        "worker_name",
        "masked_id_number",
        "from_enterprises_display",
        "to_enterprise",
        "hire_date",
        "proposed_display",
        "status",
        "requested_by_name",
        "requested_at",
        "decided_by_name",
        "decided_at",
    ]
    list_filter = ["status"]
    list_select_related = ["worker", "to_enterprise", "requested_by", "decided_by"]
    requested_by_name = user_column(WorkerTransfer, "requested_by")
    decided_by_name = user_column(WorkerTransfer, "decided_by")
    search_fields = ["worker__name", "to_enterprise__name"]
    personal_search_fields = ["=worker__id_number"]
    readonly_fields = [
        "worker_name",
        "masked_id_number",
        "from_enterprises_display",
        "to_enterprise",
        "employment",
        "hire_date",
        "proposed_display",
        "status",
        "requested_by_name",
        "requested_at",
        "decided_by_name",
        "decided_at",
        "note",
    ]
    fields = tuple(readonly_fields)
    actions = ["confirm_transfers", "confirm_second_jobs", "reject_transfers"]

    def get_queryset(self, request: HttpRequest):
        return worker_transfers_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # made by roster uploads

    def has_delete_permission(self, request, obj=None):
        return False  # decided, never deleted: the record of who asked and who decided

    def has_change_permission(self, request, obj=None):
        return False  # decided by the actions only

    def history_view(self, request, object_id, extra_context=None):
        # The queryset is empty for everyone but staff: refuse before Django's "not found"
        # redirect, as the other pages do.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())

    @admin.display(description=_("姓名"), ordering="worker__name")
    def worker_name(self, transfer: WorkerTransfer) -> str:
        return transfer.worker.name

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, transfer: WorkerTransfer) -> str:
        return transfer.worker.masked_id_number

    @admin.display(description=_("原任职企业"))
    def from_enterprises_display(self, transfer: WorkerTransfer) -> str:
        return "、".join(e["name"] for e in transfer.from_enterprises)

    @admin.display(description=_("花名册填报的个人信息"))
    def proposed_display(self, transfer: WorkerTransfer) -> str:
        """The row's values as the register shows them, with the current ones where they
        differ."""
        worker = transfer.worker
        shown = []
        for name, value in transfer.proposed.items():
            field: Any = Worker._meta.get_field(name)
            current = getattr(worker, name)
            if field.choices:
                value_text = dict(field.flatchoices).get(value, value)
                current_text = dict(field.flatchoices).get(current, current)
            elif isinstance(value, bool):
                value_text, current_text = (
                    gettext("是") if v else gettext("否") for v in (value, current)
                )
            else:
                value_text, current_text = value or "—", current or "—"
            if value == current:
                shown.append("%s：%s" % (field.verbose_name, value_text))
            else:
                shown.append("%s：%s → %s" % (field.verbose_name, current_text, value_text))
        return "；".join(shown)

    def _decide(self, request, queryset, decide, done: str) -> None:
        count = 0
        for transfer in queryset:
            decide(user=request.user, transfer=transfer)
            count += 1
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("确认调动（采用花名册信息，结束原单位任职）"))
    def confirm_transfers(self, request, queryset):
        self._decide(
            request, queryset, worker_transfer_confirm, gettext("已确认 %(count)s 条调动申请。")
        )

    @admin.action(description=_("确认兼职（采用花名册信息，保留原单位任职）"))
    def confirm_second_jobs(self, request, queryset):
        self._decide(
            request,
            queryset,
            partial(worker_transfer_confirm, end_previous=False),
            gettext("已确认 %(count)s 条兼职。"),
        )

    @admin.action(description=_("驳回（保留原信息，撤销本次新建的任职记录）"))
    def reject_transfers(self, request, queryset):
        self._decide(
            request, queryset, worker_transfer_reject, gettext("已驳回 %(count)s 条调动申请。")
        )


@admin.register(SkillCertificate)
class SkillCertificateAdmin(
    PersonalDataGuardMixin, FullIdExportMixin, XlsxExportMixin, ServiceModelAdmin
):
    """职业技能等级证书 entered or corrected by staff (HR upload theirs: import_certificates)."""

    # The columns of the 职业技能等级证书 import: an export uploads back.
    export_columns = [
        ExportColumn(_("身份证号"), "worker__id_number", personal=True),
        (_("姓名"), "worker__name"),
        (_("职业（工种）"), "occupation"),
        (_("技能等级"), "level"),
        ExportColumn(_("证书编号"), "number", text=True),
        (_("发证日期"), "issued_on"),
        (_("发证机构"), "issuer"),
    ]
    list_display = ["number", "worker_name", "occupation", "level", "issued_on", "issuer", "source"]
    list_filter = [year_filter("issued_on", _("发证年度")), "level", "source"]
    list_select_related = ["worker"]
    # By number and name; never by ID number (PersonalDataGuardMixin).
    search_fields = ["number", "worker__name"]
    autocomplete_fields = ["worker"]
    fields = ["worker", "occupation", "level", "number", "issued_on", "issuer", "source"]
    readonly_fields = ["source"]

    @admin.display(description=_("姓名"), ordering="worker__name")
    def worker_name(self, certificate: SkillCertificate) -> str:
        return certificate.worker.name

    def get_search_results(self, request, queryset, search_term):
        # Certificate numbers are stored trimmed and upper-case.
        return super().get_search_results(request, queryset, search_term.strip().upper())

    def save_model(self, request, obj, form, change):
        skill_certificate_save(user=request.user, certificate=obj)

    def delete_model(self, request, obj):
        skill_certificate_delete(user=request.user, certificate=obj)
