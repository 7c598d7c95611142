from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

# The admin modules of every app (core.admin_config: not discovered at start-up).
admin.autodiscover()

admin.site.site_header = _("剡湖街道产业工人队伍建设改革管理平台")
admin.site.site_title = _("剡湖街道产改平台")
admin.site.index_title = _("登记管理")

urlpatterns: list[URLPattern | URLResolver] = [
    # Import records moved from `core` to `imports`: their first admin addresses still lead there.
    re_path(
        r"^admin/core/importrecord/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/imports/importrecord/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("imports/", include("imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workers/", include("workers.urls")),
    path("reports/", include("reports.urls")),
    path("unions/", include("unions.urls")),
    path("training/", include("training.urls")),
    path("worklist/", include("worklist.urls")),
    path("honors/", include("honors.urls")),
    path("compliance/", include("compliance.urls")),
    path("party/", include("party.urls")),
    path("notices/", include("notices.urls")),
    path("", include("core.urls")),
]
# Uploaded files (rosters with ID numbers) are never served as public media: they are
# downloaded through views that check who asks (e.g. the import record admin).
