from django.urls import path

from imports.urls import template_urlpattern, upload_urlpatterns
from training import views
from training.importers import TRAINING_FUNDS

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
]
