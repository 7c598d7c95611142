"""The security middleware of core/middleware.py: request-size limit, no-store for signed-in
users, the health check and the Content-Security-Policy header on every page."""

from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import EnterpriseFactory

MB = 1024 * 1024


class UnreadableBody:
    """A wsgi.input that fails the test if anything reads the body."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def roster_page(client, hr_user):
    enterprise = EnterpriseFactory()
    enterprise.hr_users.add(hr_user)
    client.force_login(hr_user)
    return reverse("workers:roster_enterprise", args=[enterprise.pk])


# --- RequestSizeLimitMiddleware --------------------------------------------------------------


def test_a_30_mb_upload_is_refused_with_413_before_the_body_is_read(client, roster_page):
    response = client.generic(
        "POST",
        roster_page,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(30 * MB),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "请求内容过大" in response.content.decode()
    # Refused before the session was even looked at: no view, no CSRF, no parsing ran.
    assert not hasattr(response.wsgi_request, "session")


def test_a_chunked_body_without_length_is_refused(client, roster_page):
    response = client.generic(
        "POST",
        roster_page,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413


def test_the_limit_comes_from_settings(client, roster_page, settings):
    settings.MAX_REQUEST_BYTES = 10
    response = client.post(roster_page, {"note": "more than ten bytes of form"})
    assert response.status_code == 413


def test_an_upload_within_the_limit_reaches_the_view(client, roster_page):
    # The view answers (here: its form says the file is missing).
    response = client.generic(
        "POST",
        roster_page,
        b"",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


# --- NoStoreForUsersMiddleware ---------------------------------------------------------------


def test_pages_of_a_signed_in_user_are_not_stored(client, roster_page):
    response = client.get(roster_page)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_downloads_of_a_signed_in_user_are_not_stored(client, roster_page):
    response = client.get(roster_page + "export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, staff_user):
    client.force_login(staff_user)
    # The admin marks its pages never_cache itself: no second directive is added.
    response = client.get(reverse("admin:index"))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_anonymous_answers_are_left_alone(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert not response.has_header("Cache-Control")


def test_static_files_are_left_to_whitenoise(client, hr_user, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(hr_user)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]


# --- HealthCheckMiddleware -------------------------------------------------------------------


def test_healthz_checks_database_and_static_files(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_healthz_fails_when_the_database_does_not_answer(client, db):
    with mock.patch.object(connection, "cursor", side_effect=RuntimeError("password=secret")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: failed\n"


def test_healthz_fails_when_static_files_are_missing(client, db, settings, tmp_path):
    # Production storage with nothing collected: the manifest does not know bootstrap.
    settings.STATIC_ROOT = tmp_path / "empty-static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert response.status_code == 503
    assert response.content == b"static: failed\n"


def test_healthz_is_ok_with_collected_manifest_static_files(client, db, settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz")
    assert response.status_code == 200
    # Every other page is.
    assert client.get("/accounts/login/").status_code == 301


# --- Content-Security-Policy -----------------------------------------------------------------


def test_pages_carry_the_content_security_policy(client, roster_page):
    policy = client.get(roster_page)["Content-Security-Policy"]
    directives = dict(part.strip().partition(" ")[::2] for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
