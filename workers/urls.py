from django.urls import path

from workers import views

app_name = "workers"

urlpatterns = [
    path("", views.worker_list, name="list"),
    path("<int:pk>/", views.worker_detail_view, name="detail"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/<int:enterprise_id>/export.xlsx", views.roster_export, name="roster_export"),
]
