from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("request/", views.run_request, name="request"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/download/", views.run_download, name="download"),
    path("runs/<int:pk>/docx/", views.run_docx, name="run_docx"),
    path("narrative/<int:pk>/publish/", views.narrative_publish, name="narrative_publish"),
    path("narrative/<str:kind>/<str:period>/", views.narrative_edit, name="narrative"),
]
