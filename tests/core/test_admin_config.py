"""core.admin_config: the admin's modules are discovered by the URLconf and by the system
checks, not at start-up, so an import command or a Celery worker starts without them."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib import admin
from django.contrib.auth.models import Permission

from core.admin_config import check_discovered_admin

_PROBE = """
import json, sys, django
django.setup()
from django.contrib import admin
before = (len(admin.site._registry), "workers.admin" in sys.modules)
if sys.argv[1] == "urls":
    import jianzhou_reform.urls
else:
    from django.core import checks
    messages = checks.run_checks(tags=[checks.Tags.admin])
print(json.dumps([before, len(admin.site._registry), "workers.admin" in sys.modules]))
"""


def _probe(step: str) -> list:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="jianzhou_reform.settings", DEBUG="true")
    done = subprocess.run(  # our own interpreter and script
        [sys.executable, "-c", _PROBE, step],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_start_up_leaves_the_admin_modules_to_the_urlconf():
    before, registered, loaded = _probe("urls")
    assert before == [0, False]
    assert registered == len(admin.site._registry) > 50 and loaded


def test_the_system_checks_discover_every_model_admin_first():
    before, registered, loaded = _probe("checks")
    assert before == [0, False]
    assert registered == len(admin.site._registry) and loaded


def test_a_broken_model_admin_is_reported_by_the_checks():
    class Broken(admin.ModelAdmin):
        list_display = ("no_such_field",)

    admin.site.register(Permission, Broken)
    try:
        messages = check_discovered_admin()
    finally:
        admin.site.unregister(Permission)
    assert [m.id for m in messages] == ["admin.E108"]
    assert check_discovered_admin() == []
