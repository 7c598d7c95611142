from django.urls import path  # noqa: F401

from honors import views  # noqa: F401

app_name = "honors"

urlpatterns = [
    # --- the honour register
    # --- nomination rounds
    # --- the craftsman pool and innovation studios
]
