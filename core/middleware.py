import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import (
    check_for_language,
    get_supported_language_variant,
    gettext,
)

from core import db_router

logger = logging.getLogger(__name__)

# A file every page needs (templates/base.html): if it is not served, no page looks right.
HEALTH_STATIC_FILE = "bootstrap/css/bootstrap.min.css"


class RequestSizeLimitMiddleware:
    """Refuse a request body over MAX_REQUEST_BYTES with 413 without reading it: sessions, CSRF
    and form parsing would otherwise read it first. A chunked body announces no length, so it
    is refused outright. Must be the first middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._too_large(request):
            limit = settings.MAX_REQUEST_BYTES
            return HttpResponse(
                gettext("请求内容过大（上限 %(limit)s MB），已拒绝。请上传更小的文件。")
                % {"limit": round(limit / (1024 * 1024))},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                return int(length) > settings.MAX_REQUEST_BYTES
            except ValueError:
                return False  # Django reads a malformed length as an empty body.
        return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _database_works() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: the database does not answer")
        return False
    return True


def _static_files_work() -> bool:
    """Production (manifest storage): the manifest names the file and its hashed copy exists.
    Development: it is collected or found where runserver and WhiteNoise look for it."""
    try:
        if isinstance(staticfiles_storage, ManifestFilesMixin):
            return staticfiles_storage.exists(staticfiles_storage.stored_name(HEALTH_STATIC_FILE))
        return bool(
            staticfiles_storage.exists(HEALTH_STATIC_FILE) or finders.find(HEALTH_STATIC_FILE)
        )
    except Exception:
        logger.exception("healthz: static file %s not available", HEALTH_STATIC_FILE)
        return False


class HealthCheckMiddleware:
    """Answer /healthz before host validation: container probes call it as 127.0.0.1,
    which a production ALLOWED_HOSTS need not list. 200 "ok" only when the database answers
    and the static files are there; else 503 naming what failed (details go to the log)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            failed = [
                name
                for name, works in (("database", _database_works), ("static", _static_files_work))
                if not works()
            ]
            if failed:
                body = "".join("%s: failed\n" % name for name in failed)
                return HttpResponse(body, status=503, content_type="text/plain")
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


class NoStoreForUsersMiddleware:
    """Pages and downloads of a signed-in user hold personal data: no browser or proxy cache
    keeps them (Cache-Control: no-store, private) unless the view chose its own caching.
    Static files never get here: WhiteNoise answers them earlier."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language (cookie set by /i18n/setlang/).

    The browser's Accept-Language is ignored: an English-language browser on a government PC
    must still get the Chinese portal (the UI speaks zh-hans first).
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and check_for_language(chosen):
            language = get_supported_language_variant(chosen)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Session keys of SessionTimeoutMiddleware: when the user signed in and when a request of theirs
# was last seen (Unix seconds).
SESSION_SIGNED_IN_AT = "_signed_in_at"
SESSION_SEEN_AT = "_seen_at"
# The last-seen time is written at most this often, so not every request writes the session.
SESSION_SEEN_WRITE_SECONDS = 60


def session_signed_in_stamp(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any):
    """On every sign-in (user_logged_in), start the absolute and idle clocks afresh."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_SIGNED_IN_AT] = now
        request.session[SESSION_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS
    after signing in, whatever they do meanwhile: a portal of personal data left open on a
    shared office PC must not stay open. Needs AuthenticationMiddleware and MessageMiddleware
    before it; the login page then says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SESSION_SIGNED_IN_AT)
        if signed_in_at is None:
            # A session from before this middleware: its clocks start now.
            session[SESSION_SIGNED_IN_AT] = session[SESSION_SEEN_AT] = now
            return
        seen_at = session.get(SESSION_SEEN_AT, signed_in_at)
        if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
            message = gettext("登录时间已超过规定时长，已自动退出，请重新登录。")
        elif now - seen_at > settings.SESSION_IDLE_SECONDS:
            message = gettext("长时间未操作，已自动退出，请重新登录。")
        else:
            if now - seen_at >= SESSION_SEEN_WRITE_SECONDS:
                session[SESSION_SEEN_AT] = now
            return
        logout(request)
        messages.info(request, message, fail_silently=True)


# Signed cookie holding until when (Unix seconds) the user's reads stay on the primary.
PRIMARY_UNTIL_COOKIE = "primary_until"
_PRIMARY_UNTIL_SALT = "core.middleware.ReplicaLagMiddleware"


class ReplicaLagMiddleware:
    """After a user's write (a successful POST, PUT, PATCH or DELETE, or any request that wrote),
    their reads stay on the primary for REPLICA_LAG_SECONDS: the replica may not have their
    change yet, and a user must see what they just saved (core.db_router). A signed cookie
    carries the deadline, so marking it costs no database write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not db_router.replica_configured():
            return self.get_response(request)
        now = time.time()
        until = request.get_signed_cookie(
            PRIMARY_UNTIL_COOKIE, default=None, salt=_PRIMARY_UNTIL_SALT
        )
        try:
            primary_only = until is not None and float(until) > now
        except ValueError:
            primary_only = False
        with db_router.request_scope(primary_only=primary_only) as state:
            response = self.get_response(request)
        wrote = state.wrote or request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if wrote and response.status_code < 400:
            lag = settings.REPLICA_LAG_SECONDS
            response.set_signed_cookie(
                PRIMARY_UNTIL_COOKIE,
                "%.3f" % (now + lag),
                salt=_PRIMARY_UNTIL_SALT,
                max_age=max(1, int(lag) + 1),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
