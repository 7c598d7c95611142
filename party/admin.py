from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from party.models import PartyActivity, PartyBranch, PartyBranchMember, WorkerRepresentative
from party.selectors import (
    activities_visible_to,
    branches_visible_to,
    memberships_visible_to,
    party_members_inconsistent,
    representatives_visible_to,
)


class PartyBranchForm(forms.ModelForm):
    class Meta:
        model = PartyBranch
        fields = ["name", "kind", "founded_on", "secretary", "village", "enterprises"]

    def clean(self):
        cleaned_data = super().clean()
        enterprises = cleaned_data.get("enterprises")
        if (
            cleaned_data.get("kind") == PartyBranch.Kind.SINGLE
            and enterprises is not None
            and len(enterprises) > 1
        ):
            self.add_error(
                "enterprises",
                gettext("单独组建的党组织只服务一家企业；服务多家企业的请选择“联合组建”。"),
            )
        return cleaned_data


class PartyBranchMemberInline(admin.TabularInline):
    model = PartyBranchMember
    extra = 0
    autocomplete_fields = ["worker"]
    fields = ["worker", "joined_on", "left_on"]
    verbose_name = _("党员（转出时填写转出日期，不要删除）")

    def get_queryset(self, request: HttpRequest):
        return memberships_visible_to(request.user)


@admin.register(PartyBranch)
class PartyBranchAdmin(admin.ModelAdmin):
    form = PartyBranchForm
    list_display = ["name", "kind", "village", "founded_on", "secretary", "member_count"]
    list_filter = ["kind", "village"]
    search_fields = ["name", "secretary", "enterprises__name"]
    autocomplete_fields = ["village", "enterprises"]
    inlines = [PartyBranchMemberInline]

    @admin.display(description=_("在册党员数"), ordering="member_count")
    def member_count(self, branch: PartyBranch) -> int:
        return branch.member_count  # type: ignore[attr-defined]

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
class PartyBranchMemberAdmin(admin.ModelAdmin):
    list_display = ["worker", "political_status", "branch", "joined_on", "left_on"]
    list_filter = [OpenMembershipFilter, ConsistencyFilter, "branch__kind", "branch"]
    list_select_related = ["worker", "branch"]
    search_fields = ["worker__name", "=worker__id_number", "branch__name"]
    autocomplete_fields = ["branch", "worker"]

    @admin.display(description=_("政治面貌"), ordering="worker__political_status")
    def political_status(self, membership: PartyBranchMember) -> str:
        return membership.worker.get_political_status_display()

    def get_queryset(self, request: HttpRequest):
        return memberships_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())


@admin.register(PartyActivity)
class PartyActivityAdmin(admin.ModelAdmin):
    list_display = ["held_on", "branch", "kind", "topic", "attendance"]
    list_filter = ["kind", "branch__kind", "branch"]
    list_select_related = ["branch"]
    search_fields = ["topic", "branch__name"]
    autocomplete_fields = ["branch"]
    date_hierarchy = "held_on"

    def get_queryset(self, request: HttpRequest):
        return activities_visible_to(request.user)


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
class WorkerRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["worker", "role", "level", "body", "term_start", "term_end"]
    list_filter = [InOfficeFilter, "role", "level"]
    list_select_related = ["worker"]
    search_fields = ["worker__name", "=worker__id_number", "body"]
    autocomplete_fields = ["worker"]

    def get_queryset(self, request: HttpRequest):
        return representatives_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())
