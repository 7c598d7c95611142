from django.urls import path

from imports.urls import template_urlpattern, upload_urlpatterns
from workers import views
from workers.certificate_importer import CERTIFICATES
from workers.importers import ROSTER

app_name = "workers"

urlpatterns = [
    path("", views.worker_list, name="list"),
    path("<int:pk>/", views.worker_detail_view, name="detail"),
    template_urlpattern("roster/template.xlsx", kind=ROSTER, name="roster_template"),
    path("roster/<int:enterprise_id>/export.xlsx", views.roster_export, name="roster_export"),
    path("roster/", views.roster_home, name="roster_home"),
    path("roster/<int:enterprise_id>/", views.roster_enterprise, name="roster_enterprise"),
    *upload_urlpatterns("roster/uploads/", kind=ROSTER, name="roster_upload"),
    path("certificates/", views.certificates_home, name="certificates_home"),
    path(
        "certificates/<int:enterprise_id>/",
        views.certificates_enterprise,
        name="certificates_enterprise",
    ),
    template_urlpattern(
        "certificates/template.xlsx", kind=CERTIFICATES, name="certificates_template"
    ),
    *upload_urlpatterns("certificates/uploads/", kind=CERTIFICATES, name="certificates_upload"),
]
