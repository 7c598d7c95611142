from django.urls import path

from worklist import views

app_name = "worklist"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
