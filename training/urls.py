from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("funds/", views.funds_home, name="home"),
    path("funds/compliance/", views.funds_compliance, name="compliance"),
    path("funds/<int:enterprise_id>/", views.funds_enterprise, name="enterprise"),
    path("funds/<int:enterprise_id>/template.xlsx", views.funds_template, name="template"),
    path("funds/uploads/<int:pk>/", views.fund_upload, name="upload"),
    path("funds/uploads/<int:pk>/confirm/", views.fund_upload_confirm, name="upload_confirm"),
    path(
        "funds/uploads/<int:pk>/annotated.xlsx",
        views.fund_upload_annotated,
        name="upload_annotated",
    ),
    path("funds/notices/<int:pk>/", views.fund_notice, name="notice"),
]
