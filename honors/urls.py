from django.urls import path

from honors import views

app_name = "honors"

urlpatterns = [
    # --- the honour register
    path("honours/template.xlsx", views.honours_template, name="honours_template"),
    # --- nomination rounds
    path("nominations/", views.nominations, name="nominations"),
    path(
        "rounds/<int:round_id>/nominate/<int:enterprise_id>/",
        views.nominate,
        name="nominate",
    ),
    path("nominations/<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path(
        "nominations/<int:pk>/attachment/",
        views.nomination_attachment,
        name="nomination_attachment",
    ),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/publicity/", views.publicity, name="publicity"),
    path("rounds/<int:pk>/publicity.xlsx", views.publicity_export, name="publicity_export"),
    # --- the craftsman pool and innovation studios
    path("craftsmen/", views.craftsmen, name="craftsmen"),
    path("craftsmen/change/", views.craftsmen_change, name="craftsmen_change"),
    path("craftsmen/export.xlsx", views.craftsmen_export, name="craftsmen_export"),
    path("studios/", views.studios, name="studios"),
]
