"""Settings come from the environment: run a fresh interpreter per environment and read them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
django.setup()
from django.conf import settings
from jianzhou_reform.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST", ""),
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "broker": app.conf.broker_url,
    "backend": app.conf.result_backend,
    "eager": app.conf.task_always_eager,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "beat": app.conf.beat_scheduler,
    "security": {
        name: getattr(settings, name, None)
        for name in (
            "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE",
            "X_FRAME_OPTIONS", "MAX_REQUEST_BYTES",
        )
    },
}))
"""
VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "PERSONAL_DATA_KEY",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_AGE",
    "MAX_REQUEST_BYTES",
    "CONN_MAX_AGE",
)
# A production-strength key (50+ random-looking characters) and personal-data key.
PRODUCTION_KEY = "Kq3vX9-pT7wZ2mN8rB4yH6jL1sD5fG0cV3eA7uI9oP2kQ8xW4nM6bR1tY5hJ0"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": PRODUCTION_KEY, "PERSONAL_DATA_KEY": PRODUCTION_KEY}


def probe(**env: str) -> tuple[int, dict | str]:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "jianzhou_reform.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        return result.returncode, result.stderr
    return 0, json.loads(result.stdout.strip().splitlines()[-1])


def test_development_defaults_are_sqlite_and_in_process_tasks():
    code, conf = probe(DEBUG="true")
    assert code == 0, conf
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"].endswith("db.sqlite3")
    assert conf["eager"] is True
    assert conf["cache"].endswith("LocMemCache")
    assert conf["debug"] is True
    assert (conf["language"], conf["tz"], conf["use_tz"]) == ("zh-hans", "Asia/Shanghai", True)
    assert conf["beat"] == "django_celery_beat.schedulers:DatabaseScheduler"


def test_production_environment_is_honoured():
    code, conf = probe(
        **PRODUCTION,
        DATABASE_URL="postgres://portal:pw@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/2",
        ALLOWED_HOSTS="portal.example,127.0.0.1",
    )
    assert code == 0, conf
    assert conf["engine"] == "django.db.backends.postgresql"
    assert (conf["name"], conf["host"]) == ("portal", "db.example")
    assert conf["broker"] == "redis://cache.example:6379/2"
    assert conf["backend"] == "redis://cache.example:6379/2"
    assert conf["eager"] is False
    assert conf["cache"].endswith("RedisCache")
    assert conf["hosts"] == ["portal.example", "127.0.0.1"]


def test_production_keeps_database_connections_and_development_does_not():
    code, conf = probe(**PRODUCTION, DATABASE_URL="postgres://portal:pw@db.example:5432/portal")
    assert code == 0, conf
    # Under load a new PostgreSQL connection per request costs the server's CPU (SCALING.md).
    assert (conf["conn_max_age"], conf["conn_health_checks"]) == (60, True)
    code, conf = probe(**PRODUCTION, CONN_MAX_AGE="0")
    assert code == 0, conf
    assert (conf["conn_max_age"], conf["conn_health_checks"]) == (0, False)
    code, conf = probe(DEBUG="true")
    assert code == 0, conf
    assert conf["conn_max_age"] == 0


def test_sqlite_url_is_honoured(tmp_path):
    code, conf = probe(DEBUG="true", DATABASE_URL="sqlite:///%s" % (tmp_path / "x.sqlite3"))
    assert code == 0, conf
    assert conf["name"] == str(tmp_path / "x.sqlite3")


def test_production_without_secret_key_refuses_to_start():
    code, stderr = probe(DEBUG="false")
    assert code != 0
    assert "SECRET_KEY" in stderr


def test_debug_is_off_without_environment():
    """Fail closed: with no environment at all the portal is in production mode, which
    refuses to start without a SECRET_KEY (`make run` passes DEBUG=true)."""
    code, stderr = probe()
    assert code != 0
    assert "ImproperlyConfigured" in stderr and "SECRET_KEY" in stderr


@pytest.mark.parametrize(
    "key",
    [
        "too-short-but-random-0123456789",
        "x" * 60,
        "dev-only-insecure-key-do-not-use-in-production",
        "django-insecure-" + PRODUCTION_KEY,
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    code, stderr = probe(**{**PRODUCTION, "SECRET_KEY": key})
    assert code != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak" in stderr


def test_production_security_defaults():
    code, conf = probe(**PRODUCTION)
    assert code == 0, conf
    assert conf["security"] == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "X_FRAME_OPTIONS": "DENY",
        "MAX_REQUEST_BYTES": 21 * 1024 * 1024,
    }


def test_development_security_defaults_serve_plain_http():
    code, conf = probe(DEBUG="true")
    assert code == 0, conf
    security = conf["security"]
    assert security["SECURE_SSL_REDIRECT"] is False
    assert security["SECURE_HSTS_SECONDS"] == 0
    assert security["SESSION_COOKIE_SECURE"] is False
    assert security["SECURE_PROXY_SSL_HEADER"] is None
