"""The honours registers in the admin; every write goes through honors.services."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin, ServiceModelAdmin, user_column
from honors.models import (
    CraftsmanCriterion,
    CraftsmanPoolChange,
    Honour,
    HonourSource,
    InnovationStudio,
    Nomination,
    NominationRound,
    NominationStep,
    StudioYearResult,
)
from honors.selectors import criterion_description, honours_visible_to
from honors.services import (
    ROUND_FIELDS,
    craftsman_criterion_deactivate,
    craftsman_criterion_save,
    craftsman_pool_add,
    craftsman_pool_remove,
    honour_create,
    honour_update,
    innovation_studio_delete,
    innovation_studio_save,
    nomination_round_open,
    nomination_round_update,
    studio_result_delete,
    studio_result_save,
)
from workers.admin import PersonalDataGuardMixin

# --- the honour register ----------------------------------------------------------------------


@admin.register(Honour)
class HonourAdmin(PersonalDataGuardMixin, ServiceModelAdmin):
    """The honour register: staff add and change honours here (through honors.services) or
    load the city's lists with import_honours (the template is linked above the list); union
    officers read it. Nothing is deleted: a wrong entry is corrected. Workers are picked by
    name (autocomplete), never by ID number."""

    list_display = [
        "year",
        "name",
        "level",
        "holder_name",
        "team_display",
        "awarding_body",
        "document_number",
        "source",
    ]
    list_display_links = ["year", "name"]
    list_filter = ["year", "name", "level", "source"]
    search_fields = ["worker__name", "team_name", "enterprise__name", "document_number"]
    autocomplete_fields = ["worker", "enterprise", "members"]
    fields = [
        "name",
        "level",
        "year",
        "worker",
        "enterprise",
        "team_name",
        "members",
        "awarding_body",
        "document_number",
        "source",
    ]
    readonly_fields = ["source"]

    def get_queryset(self, request):
        return honours_visible_to(request.user)

    @admin.display(description=_("获奖职工"), ordering="worker__name")
    def holder_name(self, honour: Honour) -> str:
        return honour.worker.name if honour.worker is not None else "—"

    @admin.display(description=_("集体（所在企业）"), ordering="team_name")
    def team_display(self, honour: Honour) -> str:
        if honour.enterprise is None:
            return "—"
        return "%s（%s）" % (honour.team_name, honour.enterprise.name)

    def save_model(self, request, obj, form, change):
        members = form.cleaned_data.get("members") or []
        if change:
            honour_update(user=request.user, honour=obj, members=members)
            return
        saved = honour_create(
            user=request.user,
            name=obj.name,
            level=obj.level,
            year=obj.year,
            worker=obj.worker,
            enterprise=obj.enterprise,
            team_name=obj.team_name,
            members=members,
            awarding_body=obj.awarding_body,
            document_number=obj.document_number,
            source=HonourSource.ADMIN,
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted (honors/models.py): a wrong entry is corrected


# --- nomination rounds ------------------------------------------------------------------------


class NominationStepInline(admin.TabularInline):
    """Every step of the round with who and when; read-only (nothing is deleted)."""

    model = NominationStep
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "actor", "action", "nomination", "note")
    ordering = ["at", "id"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("round", "actor", "nomination__worker", "nomination__round")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NominationRound)
class NominationRoundAdmin(ServiceModelAdmin):
    """Staff open and change rounds here (honors.services: the honour, quota and window are
    fixed once 公示 starts); review, 公示 and approval happen on the round's page."""

    list_display = [
        "title",
        "honour_name",
        "level",
        "year",
        "status",
        "opens_on",
        "closes_on",
        "quota",
        "nominated_count",
        "accepted_count",
        "round_page",
    ]
    list_filter = ["status", "year", "honour_name"]
    search_fields = ["title"]
    fields = [
        *ROUND_FIELDS,
        "status",
        "publicity_starts_on",
        "publicity_ends_on",
        "approved_at",
        "approved_by",
        "created_by",
        "round_page",
    ]
    readonly_fields = [
        "status",
        "publicity_starts_on",
        "publicity_ends_on",
        "approved_at",
        "approved_by",
        "created_by",
        "round_page",
    ]
    inlines = [NominationStepInline]

    def get_queryset(self, request):
        statuses = Nomination.Status
        return (
            super()
            .get_queryset(request)
            .select_related("approved_by", "created_by")
            .annotate(
                nominated=Count("nominations", filter=~Q(nominations__status=statuses.WITHDRAWN)),
                accepted=Count(
                    "nominations",
                    filter=Q(nominations__status__in=[statuses.ACCEPTED, statuses.APPROVED]),
                ),
            )
        )

    @admin.display(description=_("推荐数"), ordering="nominated")
    def nominated_count(self, obj: NominationRound) -> int:
        return getattr(obj, "nominated", 0)

    @admin.display(description=_("通过数"), ordering="accepted")
    def accepted_count(self, obj: NominationRound) -> int:
        return getattr(obj, "accepted", 0)

    @admin.display(description=_("审核与公示"))
    def round_page(self, obj: NominationRound) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("honors:round_detail", args=[obj.pk]), _("打开")
        )

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in ROUND_FIELDS}
        if change:
            saved = nomination_round_update(user=request.user, round=obj, **fields)
        else:
            saved = nomination_round_open(user=request.user, **fields)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        # The steps are read-only: nothing to save (commit=False only lists the rows, which
        # the change message reads).
        formset.save(commit=False)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(ReadOnlyModelAdmin):
    """Nominations, read-only: HR write them on their pages, staff review them on the round's
    page. The attachment opens through the portal's download (its original name)."""

    list_display = ["round", "nominee", "enterprise", "post", "status", "submitted_at"]
    list_filter = ["status", "round"]
    list_select_related = ["round", "enterprise", "worker"]
    search_fields = ["worker__name", "team_name", "enterprise__name"]
    fields = (
        "round",
        "enterprise",
        "worker",
        "team_name",
        "post",
        "summary",
        "deeds",
        "attachment_link",
        "status",
        "reason",
        "honour",
        "submitted_by",
        "submitted_at",
    )
    readonly_fields = fields

    @admin.display(description=_("被推荐人（集体）"))
    def nominee(self, obj: Nomination) -> str:
        return obj.nominee_name

    @admin.display(description=_("事迹材料附件"))
    def attachment_link(self, obj: Nomination) -> str:
        if not obj.attachment:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("honors:nomination_attachment", args=[obj.pk]),
            obj.attachment_name,
        )


# --- the craftsman pool and innovation studios ------------------------------------------------


@admin.register(CraftsmanCriterion)
class CraftsmanCriterionAdmin(ServiceModelAdmin):
    """The ways into the craftsman pool (工匠库): staff add, change and switch them on or off
    (启用 in the list). Deleting one deactivates it: it stops counting and stays on record."""

    list_display = ["kind", "description", "is_active", "updated_at"]
    list_display_links = ["kind"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active"]
    fields = ["kind", "min_skill_level", "min_award_level", "honour_name", "is_active"]

    @admin.display(description=_("条件"))
    def description(self, criterion: CraftsmanCriterion) -> str:
        return criterion_description(criterion)

    def save_model(self, request, obj, form, change):
        craftsman_criterion_save(user=request.user, criterion=obj)

    def delete_model(self, request, obj):
        craftsman_criterion_deactivate(user=request.user, criterion=obj)


@admin.register(CraftsmanPoolChange)
class CraftsmanPoolChangeAdmin(ServiceModelAdmin):
    """Staff add a worker to the pool or take one out, with a reason (through honors.services);
    a change is kept as it was made: read-only afterwards, never deleted. Workers are picked by
    name (autocomplete), never by ID number."""

    list_display = ["changed_at", "worker_name", "included", "reason", "changed_by_name"]
    list_filter = ["included"]
    list_select_related = ["worker", "changed_by"]
    changed_by_name = user_column(CraftsmanPoolChange, "changed_by")
    search_fields = ["worker__name", "reason"]
    autocomplete_fields = ["worker"]
    fields = ["worker", "included", "reason", "changed_by", "changed_at"]
    readonly_fields = ["changed_by", "changed_at"]

    @admin.display(description=_("职工"), ordering="worker__name")
    def worker_name(self, change: CraftsmanPoolChange) -> str:
        return change.worker.name

    def save_model(self, request, obj, form, change):
        service = craftsman_pool_add if obj.included else craftsman_pool_remove
        saved = service(user=request.user, worker=obj.worker, reason=obj.reason)
        obj.pk, obj.changed_by, obj.changed_at = saved.pk, saved.changed_by, saved.changed_at
        obj._state.adding = False

    def has_change_permission(self, request, obj=None):
        return False  # a change is history: a later change overrides it

    def has_delete_permission(self, request, obj=None):
        return False


class StudioYearResultInline(admin.TabularInline):
    model = StudioYearResult
    extra = 0
    fields = ["year", "patents", "process_improvements", "savings_yuan", "trainees", "notes"]

    def get_queryset(self, request):
        # Each row's name (studio · year) comes with the row.
        return super().get_queryset(request).select_related("studio")


@admin.register(InnovationStudio)
class InnovationStudioAdmin(ServiceModelAdmin):
    """劳模工匠创新工作室 with their yearly results (through honors.services): led by an
    honoured worker; leader and members are picked by name, never by ID number."""

    list_display = [
        "name",
        "enterprise",
        "leader_name",
        "level",
        "founded_on",
        "member_count",
        "is_active",
    ]
    list_filter = ["level", "is_active", "enterprise__village"]
    list_select_related = ["enterprise", "leader"]
    search_fields = ["name", "enterprise__name", "leader__name"]
    autocomplete_fields = ["enterprise", "leader", "members"]
    fields = [
        "name",
        "enterprise",
        "leader",
        "members",
        "level",
        "founded_on",
        "is_active",
        "notes",
    ]
    inlines = [StudioYearResultInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members_total=Count("members", distinct=True))

    @admin.display(description=_("领办人"), ordering="leader__name")
    def leader_name(self, studio: InnovationStudio) -> str:
        return studio.leader.name

    @admin.display(description=_("成员人数"), ordering="members_total")
    def member_count(self, studio: InnovationStudio) -> int:
        return studio.members_total  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        innovation_studio_save(
            user=request.user, studio=obj, members=form.cleaned_data.get("members") or []
        )

    def delete_model(self, request, obj):
        innovation_studio_delete(user=request.user, studio=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request,
            formset,
            save=studio_result_save,
            delete=studio_result_delete,
            row="result",
        )
