from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin
from imports.admin import XlsxExportMixin
from party.models import PartyActivity, PartyBranch, PartyBranchMember, WorkerRepresentative
from party.selectors import (
    activities_visible_to,
    branches_visible_to,
    memberships_visible_to,
    party_members_inconsistent,
    representatives_visible_to,
)
from party.services import (
    party_activity_delete,
    party_activity_save,
    party_branch_delete,
    party_branch_member_delete,
    party_branch_member_save,
    party_branch_save,
    worker_representative_delete,
    worker_representative_save,
)
from workers.admin import PersonalDataGuardMixin


class PartyBranchForm(forms.ModelForm):
    """Shape only; `party_branch_save` checks that a 单独组建 branch serves one enterprise."""

    class Meta:
        model = PartyBranch
        fields = ["name", "kind", "founded_on", "secretary", "village", "enterprises"]


class PartyBranchMemberInline(admin.TabularInline):
    model = PartyBranchMember
    extra = 0
    autocomplete_fields = ["worker"]
    fields = ["worker", "joined_on", "left_on"]
    verbose_name = _("党员（转出时填写转出日期，不要删除）")

    def get_queryset(self, request: HttpRequest):
        return memberships_visible_to(request.user)


@admin.register(PartyBranch)
class PartyBranchAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("党组织名称"), "name"),
        (_("组建方式"), "kind"),
        (_("成立日期"), "founded_on"),
        (_("书记"), "secretary"),
        (_("所属村（社区）"), "village__name"),
    ]
    form = PartyBranchForm
    list_display = ["name", "kind", "village", "founded_on", "secretary", "member_count"]
    list_filter = ["kind", "village"]
    search_fields = ["name", "secretary", "enterprises__name"]
    autocomplete_fields = ["village", "enterprises"]
    inlines = [PartyBranchMemberInline]

    @admin.display(description=_("在册党员数"), ordering="member_count")
    def member_count(self, branch: PartyBranch) -> int:
        return branch.member_count  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        party_branch_save(
            user=request.user, branch=obj, enterprises=form.cleaned_data.get("enterprises")
        )

    def delete_model(self, request, obj):
        party_branch_delete(user=request.user, branch=obj)

    def save_formset(self, request, form, formset, change):
        self.save_inline_rows(
            request,
            formset,
            save=party_branch_member_save,
            delete=party_branch_member_delete,
            row="membership",
        )

    def get_queryset(self, request: HttpRequest):
        return branches_visible_to(request.user).annotate(
            member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True))
        )


class ConsistencyFilter(admin.SimpleListFilter):
    """Lets staff find the members `party_members_inconsistent()` lists."""

    title = _("政治面貌核对")
    parameter_name = "consistent"

    def lookups(self, request, model_admin):
        return [("0", _("政治面貌已不是党员（待处理）"))]

    def queryset(self, request, queryset):
        if self.value() == "0":
            return queryset.filter(pk__in=party_members_inconsistent().values("pk"))
        return queryset


class OpenMembershipFilter(admin.SimpleListFilter):
    title = _("在册")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", _("在册")), ("0", _("已转出"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(left_on__isnull=True)
        if self.value() == "0":
            return queryset.filter(left_on__isnull=False)
        return queryset


@admin.register(PartyBranchMember)
class PartyBranchMemberAdmin(PersonalDataGuardMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("党组织"), "branch__name"),
        (_("姓名"), "worker__name"),
        (_("政治面貌"), "worker__political_status"),
        (_("转入日期"), "joined_on"),
        (_("转出日期"), "left_on"),
    ]
    list_display = ["worker", "political_status", "branch", "joined_on", "left_on"]
    list_filter = [OpenMembershipFilter, ConsistencyFilter, "branch__kind", "branch"]
    list_select_related = ["worker", "branch"]
    search_fields = ["worker__name", "branch__name"]
    personal_search_fields = ["=worker__id_number"]
    autocomplete_fields = ["branch", "worker"]

    @admin.display(description=_("政治面貌"), ordering="worker__political_status")
    def political_status(self, membership: PartyBranchMember) -> str:
        return membership.worker.get_political_status_display()

    def save_model(self, request, obj, form, change):
        party_branch_member_save(user=request.user, membership=obj)

    def delete_model(self, request, obj):
        party_branch_member_delete(user=request.user, membership=obj)

    def get_queryset(self, request: HttpRequest):
        return memberships_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())


@admin.register(PartyActivity)
class PartyActivityAdmin(XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("党组织"), "branch__name"),
        (_("活动日期"), "held_on"),
        (_("活动类型"), "kind"),
        (_("主题"), "topic"),
        (_("参加人数"), "attendance"),
    ]
    list_display = ["held_on", "branch", "kind", "topic", "attendance"]
    list_filter = ["kind", "branch__kind", "branch"]
    list_select_related = ["branch"]
    search_fields = ["topic", "branch__name"]
    autocomplete_fields = ["branch"]
    date_hierarchy = "held_on"

    def get_queryset(self, request: HttpRequest):
        return activities_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        party_activity_save(user=request.user, activity=obj)

    def delete_model(self, request, obj):
        party_activity_delete(user=request.user, activity=obj)


class InOfficeFilter(admin.SimpleListFilter):
    title = _("任期")
    parameter_name = "in_office"

    def lookups(self, request, model_admin):
        return [("1", _("在任")), ("0", _("已卸任或未到任"))]

    def queryset(self, request, queryset):
        in_office = WorkerRepresentative.objects.in_office_on(timezone.localdate())
        if self.value() == "1":
            return queryset.filter(pk__in=in_office.values("pk"))
        if self.value() == "0":
            return queryset.exclude(pk__in=in_office.values("pk"))
        return queryset


@admin.register(WorkerRepresentative)
class WorkerRepresentativeAdmin(PersonalDataGuardMixin, XlsxExportMixin, ServiceModelAdmin):
    export_columns = [
        (_("姓名"), "worker__name"),
        (_("身份"), "role"),
        (_("所在机构"), "body"),
        (_("级别"), "level"),
        (_("任期开始"), "term_start"),
        (_("任期结束"), "term_end"),
    ]
    list_display = ["worker", "role", "level", "body", "term_start", "term_end"]
    list_filter = [InOfficeFilter, "role", "level"]
    list_select_related = ["worker"]
    search_fields = ["worker__name", "body"]
    personal_search_fields = ["=worker__id_number"]
    autocomplete_fields = ["worker"]

    def get_queryset(self, request: HttpRequest):
        return representatives_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        worker_representative_save(user=request.user, representative=obj)

    def delete_model(self, request, obj):
        worker_representative_delete(user=request.user, representative=obj)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())
