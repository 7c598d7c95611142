from django.urls import path

from imports.urls import template_urlpattern, upload_urlpatterns
from training import views
from training.importers import TRAINING_FUNDS
from training.record_importer import TRAINING_RECORDS

app_name = "training"

urlpatterns = [
    path("funds/", views.funds_home, name="home"),
    path("funds/compliance/", views.funds_compliance, name="compliance"),
    path("funds/<int:enterprise_id>/", views.funds_enterprise, name="enterprise"),
    template_urlpattern(
        "funds/<int:enterprise_id>/template.xlsx", kind=TRAINING_FUNDS, name="template"
    ),
    *upload_urlpatterns("funds/uploads/", kind=TRAINING_FUNDS, name="upload"),
    path("funds/notices/<int:pk>/", views.fund_notice, name="notice"),
    path("skills/", views.skills, name="skills"),
    path("skills/technicians.xlsx", views.skills_export, name="skills_export"),
    path(
        "competitions/template.xlsx",
        views.competitions_template,
        name="competitions_template",
    ),
    path("records/", views.records_home, name="records_home"),
    path("records/<int:enterprise_id>/", views.records_enterprise, name="records_enterprise"),
    template_urlpattern(
        "records/<int:enterprise_id>/template.xlsx", kind=TRAINING_RECORDS, name="records_template"
    ),
    *upload_urlpatterns("records/uploads/", kind=TRAINING_RECORDS, name="records_upload"),
    path("institutes/", views.institutes, name="institutes"),
    path(
        "workers/<int:worker_id>/learning-record.xlsx",
        views.learning_record_export,
        name="learning_record_export",
    ),
]
