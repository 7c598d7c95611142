from django.urls import path

from imports.urls import template_urlpattern, upload_urlpatterns
from workers import views
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
]
