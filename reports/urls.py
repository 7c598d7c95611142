from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("request/", views.run_request, name="request"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/download/", views.run_download, name="download"),
]
