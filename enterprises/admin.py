from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceModelAdmin
from core.roles import is_sub_district_staff
from enterprises import importers
from enterprises.models import Enterprise, IndustrialPark, Village
from enterprises.selectors import enterprises_visible_to
from enterprises.services import (
    enterprise_delete,
    enterprise_save,
    industrial_park_delete,
    industrial_park_save,
    village_delete,
    village_save,
)
from imports import registry
from imports.admin import XlsxExportMixin
from imports.views import upload_form_handle


@admin.register(Village)
class VillageAdmin(XlsxExportMixin, ServiceModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    export_columns = [(_("村（社区）"), "name")]

    def save_model(self, request, obj, form, change):
        village_save(user=request.user, village=obj)

    def delete_model(self, request, obj):
        village_delete(user=request.user, village=obj)


@admin.register(IndustrialPark)
class IndustrialParkAdmin(XlsxExportMixin, ServiceModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    export_columns = [(_("工业园区"), "name")]

    def save_model(self, request, obj, form, change):
        industrial_park_save(user=request.user, park=obj)

    def delete_model(self, request, obj):
        industrial_park_delete(user=request.user, park=obj)


@admin.register(Enterprise)
class EnterpriseAdmin(XlsxExportMixin, ServiceModelAdmin):
    # The import's own column names (INTERFACES.md): an export uploads back unchanged.
    export_columns = [
        (importers.USCC, "uscc"),
        (importers.NAME, "name"),
        (importers.VILLAGE, "village__name"),
        (importers.PARK, "park__name"),
        (importers.ABOVE_SCALE, "is_above_scale"),
        (importers.INDUSTRY, "industry"),
        (importers.LEGAL_REPRESENTATIVE, "legal_representative"),
        (importers.PHONE, "phone"),
    ]
    export_sheet_title = importers.ENTERPRISE_DATASET.sheet_name
    list_display = ["name", "uscc", "village", "park", "is_above_scale", "industry"]
    list_filter = ["village", "park", "is_above_scale"]
    list_select_related = ["village", "park"]
    # The register grows to 30,000 enterprises for a province: count the rows shown once, not
    # the whole table again for "show all (N)" (as the worker and job lists).
    show_full_result_count = False
    search_fields = ["name", "=uscc"]
    filter_horizontal = ["hr_users"]
    fieldsets = [
        (None, {"fields": ["uscc", "name", "village", "park", "is_above_scale", "industry"]}),
        (_("联系"), {"fields": ["legal_representative", "phone"]}),
        (_("企业人事账号"), {"fields": ["hr_users"]}),
    ]

    def get_queryset(self, request: HttpRequest):
        return enterprises_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        enterprise_save(
            user=request.user, enterprise=obj, hr_users=form.cleaned_data.get("hr_users")
        )

    def delete_model(self, request, obj):
        enterprise_delete(user=request.user, enterprise=obj)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path(
                "<int:object_id>/upload/<str:kind>/", upload, name="enterprises_enterprise_upload"
            ),
            # The roster upload's first address, kept for bookmarks and links.
            path(
                "<int:object_id>/roster-upload/",
                upload,
                {"kind": "roster"},
                name="enterprises_enterprise_roster_upload",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        # Every data set uploaded per enterprise (imports.registry): its upload page here and
        # the enterprise's own page of it.
        if obj is not None and is_sub_district_staff(request.user):
            context["uploads"] = [
                {
                    "label": r.label,
                    "upload_url": reverse(
                        "admin:enterprises_enterprise_upload", args=[obj.pk, r.kind]
                    ),
                    "page_url": r.enterprise_url(obj.pk),
                }
                for r in registry.registered()
                if r.enterprises_for is not None
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def upload_view(self, request: HttpRequest, object_id: int, kind: str) -> HttpResponse:
        """Staff upload a data set for any enterprise; the preview is the same page HR use."""
        if not is_sub_district_staff(request.user):
            raise PermissionDenied
        registration = registry.find(kind)
        enterprise = self.get_queryset(request).filter(pk=object_id).first()
        if enterprise is None or registration is None or registration.enterprises_for is None:
            raise Http404
        form, uploaded = upload_form_handle(
            request, kind=kind, enterprise=enterprise, label=str(registration.label)
        )
        if uploaded is not None:
            return uploaded
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "enterprise": enterprise,
            "registration": registration,
            "enterprise_page": registration.enterprise_url(enterprise.pk),
            "template_url": (
                reverse("imports:template", args=[kind, enterprise.pk])
                if registration.template is not None
                else None
            ),
            "form": form,
            "title": _("上传%(label)s") % {"label": registration.label},
        }
        return TemplateResponse(request, "admin/enterprises/enterprise/upload.html", context)
