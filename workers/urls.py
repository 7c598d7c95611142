from django.urls import path

from workers import views

app_name = "workers"

urlpatterns = [
    path("", views.worker_list, name="list"),
    path("<int:pk>/", views.worker_detail_view, name="detail"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/<int:enterprise_id>/export.xlsx", views.roster_export, name="roster_export"),
    path("roster/", views.roster_home, name="roster_home"),
    path("roster/<int:enterprise_id>/", views.roster_enterprise, name="roster_enterprise"),
    path("roster/uploads/<int:pk>/", views.roster_upload, name="roster_upload"),
    path(
        "roster/uploads/<int:pk>/progress/",
        views.roster_upload_progress,
        name="roster_upload_progress",
    ),
    path(
        "roster/uploads/<int:pk>/confirm/",
        views.roster_upload_confirm,
        name="roster_upload_confirm",
    ),
    path(
        "roster/uploads/<int:pk>/retry/", views.roster_upload_retry_view, name="roster_upload_retry"
    ),
    path(
        "roster/uploads/<int:pk>/annotated.xlsx",
        views.roster_upload_annotated,
        name="roster_upload_annotated",
    ),
    path(
        "roster/uploads/<int:pk>/original/",
        views.roster_upload_original,
        name="roster_upload_original",
    ),
]
