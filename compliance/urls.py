from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.home, name="home"),
    path("pending/", views.pending, name="pending"),
    path("<int:enterprise_id>/", views.enterprise, name="enterprise"),
    path("<int:enterprise_id>/<str:kind>/add/", views.record_add, name="record_add"),
    path("<str:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<str:kind>/<int:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
    path("<str:kind>/<int:pk>/confirm/", views.record_confirm, name="record_confirm"),
]
