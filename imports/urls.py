"""URL patterns an app mounts for its data set's upload pages (imports.views)."""

from django.urls import URLPattern, path

from imports import views


def upload_urlpatterns(prefix: str, *, kind: str, name: str) -> list[URLPattern]:
    """The preview page of an upload at `prefix<pk>/` named `name`, and its actions named
    `name_progress`, `name_confirm`, `name_discard`, `name_retry`, `name_annotated` and
    `name_original`."""
    kwargs = {"kind": kind}
    return [
        path(prefix + "<int:pk>/", views.upload_detail_view, kwargs, name=name),
        path(prefix + "<int:pk>/progress/", views.upload_progress, kwargs, name=name + "_progress"),
        path(prefix + "<int:pk>/confirm/", views.upload_confirm, kwargs, name=name + "_confirm"),
        path(
            prefix + "<int:pk>/discard/", views.upload_discard_view, kwargs, name=name + "_discard"
        ),
        path(prefix + "<int:pk>/retry/", views.upload_retry_view, kwargs, name=name + "_retry"),
        path(
            prefix + "<int:pk>/annotated.xlsx",
            views.upload_annotated,
            kwargs,
            name=name + "_annotated",
        ),
        path(prefix + "<int:pk>/original/", views.upload_original, kwargs, name=name + "_original"),
    ]


def template_urlpattern(route: str, *, kind: str, name: str) -> URLPattern:
    """The data set's template workbook; a route with <int:enterprise_id> fills it in."""
    return path(route, views.upload_template, {"kind": kind}, name=name)


app_name = "imports"

urlpatterns = [
    path(
        "template/<str:kind>/<int:enterprise_id>.xlsx",
        views.upload_template,
        name="template",
    ),
]
