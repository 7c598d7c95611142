"""Settings for the 剡湖街道 reform portal.

Every setting that differs between a laptop and production comes from the environment
(see `.env.example`). Without any environment the portal runs for development: SQLite in the
project folder and Celery tasks executed in-process.
"""

from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Fail closed: nothing turns DEBUG on but the environment (`make run` sets DEBUG=true).
DEBUG = env.bool("DEBUG", default=False)

# Production secrets have no default: only a DEBUG run may fall back to a throwaway key.
_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if DEBUG:
    SECRET_KEY = SECRET_KEY or _DEV_KEY
elif not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DEBUG is false. Generate one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
elif (
    SECRET_KEY == _DEV_KEY
    or SECRET_KEY.startswith("django-insecure-")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    # The same bar as Django's security.W009, enforced at start-up instead of warned about.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG=false: it must be a random value of at least 50 "
        "characters with at least 5 different characters, and not the development key."
    )

# ID numbers, phones and uploaded files are encrypted with keys derived from this secret
# (core.crypto). Like SECRET_KEY it has no production default; unlike SECRET_KEY it can never
# change once data is written (the portal refuses to start on a key that does not match).
# Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"
_DEV_PERSONAL_DATA_KEY = "dev-only-personal-data-key-do-not-use-in-production"
PERSONAL_DATA_KEY = env.str("PERSONAL_DATA_KEY", default=_DEV_PERSONAL_DATA_KEY if DEBUG else "")
if not DEBUG and (len(PERSONAL_DATA_KEY) < 32 or PERSONAL_DATA_KEY == _DEV_PERSONAL_DATA_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PERSONAL_DATA_KEY must be set to a secret of at least 32 characters in production."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_config.PortalAdminConfig",  # django.contrib.admin, discovered by the URLconf
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "core.apps.LoginProtectionConfig",  # django-axes: login throttling (issue 12)
    "crispy_forms",
    "crispy_bootstrap5",
    "core",
    "imports",
    "enterprises",
    "workers",
    "unions",
    "party",
    "training",
    "honors",
    "worklist",
    "compliance",
    "notices",
    "reports",
    "demo",
]

MIDDLEWARE = [
    # First: refuses an oversized body before anything (sessions, CSRF, forms) reads it.
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it needs request.user); WhiteNoise answers static files above it.
    "core.middleware.NoStoreForUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: it signs idle users out and tells them why.
    "core.middleware.SessionTimeoutMiddleware",
    # Around the views: reads stay on the primary right after the user's own write.
    "core.middleware.ReplicaLagMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jianzhou_reform.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
                "core.context_processors.notices",
            ],
        },
    },
]

WSGI_APPLICATION = "jianzhou_reform.wsgi.application"
ASGI_APPLICATION = "jianzhou_reform.asgi.application"

# DATABASE_URL accepts postgres://user:pass@host:port/name and sqlite:///absolute/path.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Seconds a web or worker process keeps its database connection between requests: opening a
# PostgreSQL connection costs a few milliseconds of the server's CPU per request under load
# (docs/SCALING.md "Load test"). 60 in production; 0 (a connection per request) with DEBUG,
# where runserver's autoreload and the tests' databases come and go. With persistent
# connections each is checked before a request reuses it (CONN_HEALTH_CHECKS), so a restarted
# PostgreSQL costs no failed request. Nothing session-level is kept on a connection (temporary
# tables are ON COMMIT DROP, no SET), so reuse is safe; behind PgBouncer in transaction mode
# (docs/SCALING.md) keep it too, PgBouncer pools the server side.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Imports write thousands of rows in one transaction; wait for a competing writer
    # instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
# A read replica of the primary (PostgreSQL streaming replication): report building, dashboards
# and exports read from it (core.db_router.replica_reads); every write, every other read and a
# user's reads for REPLICA_LAG_SECONDS after their own write stay on the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        DATABASES["replica"].setdefault(_key, DATABASES["default"].get(_key))
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["replica"]["OPTIONS"] or {})
    # Tests read it through the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]
REPLICA_LAG_SECONDS = env.float("REPLICA_LAG_SECONDS", default=5.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Bootstrap ships inside a Python package and is served from here: users sit on an intranet.
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Upload limits: a spreadsheet may be up to 20 MB (INTERFACES.md); keep the rest small.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A whole request body (core.middleware.RequestSizeLimitMiddleware refuses larger ones with 413
# before anything reads them): a 20 MB spreadsheet plus the form around it.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=21 * 1024 * 1024)

# HTTPS. Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto (README);
# every default below is the secure one unless DEBUG, and each can be relaxed only explicitly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Container probes call /healthz over plain HTTP (it answers before SecurityMiddleware anyway).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# The header the proxy sets to "https"; empty when no proxy sits in front (then a client could
# forge it). Given as a header name, e.g. X-Forwarded-Proto.
_proxy_ssl_header = env.str(
    "SECURE_PROXY_SSL_HEADER", default="" if DEBUG else "X-Forwarded-Proto"
).strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: only over HTTPS outside DEBUG (SECURE_COOKIES=false only for a plain-HTTP trial).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
# No script of the portal or the admin reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Absolute session lifetime from login (seconds; 8 hours: one working day). The idle timeout
# is core.middleware.SessionTimeoutMiddleware's.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# Content-Security-Policy (django-csp): no inline script or style anywhere, the admin included;
# page scripts live in static/js. data: images are Bootstrap's inline SVG icons in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Redis: Celery broker and result backend, and the cache. Unset means development mode:
# tasks run in-process (eagerly) and the cache lives in local memory.
REDIS_URL = env.str("REDIS_URL", default="")

# Redis down must not take pages down (issue 12): the cache answers a miss after at most one
# short wait and then skips Redis for a few seconds (core.cache), and a task that cannot be
# sent fails at once and waits in the database for a sweeper (reports, imports).
REDIS_TIMEOUT_SECONDS = 0.25
BROKER_CONNECT_TIMEOUT_SECONDS = 0.5
BROKER_SOCKET_TIMEOUT_SECONDS = 1.0

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "RETRY_AFTER": 5,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Worker figures (dashboard, reports) are cached per day under a version every write to workers,
# employments or enterprises moves (workers.figures). Only with a cache all processes share: a
# command run in another process must be able to invalidate what the web process keeps.
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=3600 if REDIS_URL else 0)

# Uploads from this size on (about 5,000 roster rows) are checked and applied by a Celery task
# with a progress bar; smaller ones answer in the request.
IMPORT_ASYNC_FROM_BYTES = env.int("IMPORT_ASYNC_FROM_BYTES", default=350 * 1024)
# An upload whose task has shown no sign of life for this long can be retried by the user.
IMPORT_STALL_SECONDS = env.int("IMPORT_STALL_SECONDS", default=10 * 60)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# After a write, a Celery worker recomputes today's cached figures (never in a request).
FIGURES_WARM = env.bool(
    "FIGURES_WARM", default=bool(FIGURES_CACHE_SECONDS) and not CELERY_TASK_ALWAYS_EAGER
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Sending a task from a request fails at once when Redis is down or hangs (no publish retries:
# redis-py itself replaces a pooled connection Redis closed), and the caller leaves the work in
# the database for a sweeper; with Celery's defaults a down broker held the request for about
# 20 s. A worker's BRPOP (1 s) is read only once its reply is there, so the socket timeout
# does not cut it short. broker_connection_retry stays on: it is what makes a worker reconnect.
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_SOCKET_TIMEOUT_SECONDS,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_CONNECT_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# Separate queues, so a big report never waits behind uploads or delays one: uploads on
# "imports", reports on "reports", the rest (figures warm-up, sweeps) on "celery". Workers take
# `-Q imports,celery` and `-Q reports` (docker-compose); a worker without -Q takes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {name: {"routing_key": name} for name in ("celery", "imports", "reports")}
CELERY_TASK_ROUTES = {
    "imports.tasks.*": {"queue": "imports"},
    "core.tasks.import_*": {"queue": "imports"},
    "reports.tasks.*": {"queue": "reports"},
}

# Accounts (issue 12): login throttling by django-axes and session timeouts.
# Axes checks every login first (the site's and the admin's); ModelBackend then logs in.
# Django's test client's `login()` passes no request, which Axes refuses: tests use force_login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# AXES_FAILURE_LIMIT failed logins within AXES_COOLOFF_MINUTES lock an account, and (counted
# separately) lock a client address, for AXES_COOLOFF_MINUTES after the last counted failure:
# one account guessed from many addresses, or many accounts guessed from one address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
# Attempts during a lock do not extend it: the wait the lockout page names is the real one.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.accounts.lockout_response"
# Trusted reverse proxies in front of the portal (e.g. 1 for one nginx). 0: X-Forwarded-For is
# ignored and the peer address is the client (core.accounts.client_ip).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.accounts.client_ip"
# Signed-in sessions end after this long without a request, and this long after login
# (core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Request lines lose their query strings: an admin search may carry an ID number.
    "filters": {"no_query_strings": {"()": "core.logfilters.DropQueryStrings"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_strings"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
