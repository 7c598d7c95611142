from django.urls import path

from unions import views

app_name = "unions"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("members/<int:worker_id>/", views.membership, name="membership"),
]
