"""Settings come from the environment: run a fresh interpreter per environment and read them."""

import json
import os
import subprocess
import sys
from pathlib import Path

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
}))
"""
VARIABLES = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")


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
    code, conf = probe()
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
        DEBUG="false",
        SECRET_KEY="x" * 50,
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


def test_sqlite_url_is_honoured(tmp_path):
    code, conf = probe(DATABASE_URL="sqlite:///%s" % (tmp_path / "x.sqlite3"))
    assert code == 0, conf
    assert conf["name"] == str(tmp_path / "x.sqlite3")


def test_production_without_secret_key_refuses_to_start():
    code, stderr = probe(DEBUG="false")
    assert code != 0
    assert "SECRET_KEY" in stderr
