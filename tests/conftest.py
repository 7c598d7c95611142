import contextlib

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connections

from core.roles import Role, roles_setup
from jianzhou_reform.celery import app as celery_app
from tests.factories import UserFactory

# Tests that list the admin's registrations (admin.site._registry) collect them at import, before
# any test loads the URLconf that discovers them in a running portal (core.admin_config).
admin.autodiscover()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Imports keep the uploaded file: tests keep it out of the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def roles(db):
    roles_setup()


def _user_with_role(username: str, role: str, *, is_staff: bool):
    user = UserFactory(username=username, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def staff_user(roles):
    return _user_with_role("staff", Role.STAFF, is_staff=True)


@pytest.fixture
def hr_user(roles):
    return _user_with_role("hr", Role.HR, is_staff=False)


@pytest.fixture
def union_user(roles):
    return _user_with_role("union", Role.UNION_OFFICER, is_staff=True)


@pytest.fixture
def official_user(roles):
    return _user_with_role("official", Role.OFFICIAL, is_staff=False)


@pytest.fixture
def worklist_user(roles):
    """A 线办/中心 member who only reports progress on the work list (issue 12)."""
    return _user_with_role("worklist", Role.WORKLIST, is_staff=False)


@pytest.fixture
def background(settings):
    """Every upload goes to Celery, as a large file would, and waits there for a worker
    (tasks are not run in-process even without Redis: the in-memory broker holds them)."""
    settings.IMPORT_ASYNC_FROM_BYTES = 1
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def worker_thread(transactional_db, background):
    """A real Celery worker consuming from the configured broker (Redis in CI, in-memory
    otherwise), in a thread of this process so it shares the test database."""
    with celery_worker_running():
        yield


@contextlib.contextmanager
def celery_worker_running():
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False

    def close_connections(**kwargs):
        # The worker thread's own connection must not outlive the test database.
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(close_connections)
        celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fresh_figures(settings):
    """Each test's data is rolled back, the shared cache is not: start every test with a new
    figures version so no test reads figures cached from another test's data. No warm-up
    tasks queue up behind the tests' backs (a test of the warm-up turns it on)."""
    from reports.cache import VERSION as REPORT_FIGURES
    from workers.figures import VERSION as WORKER_FIGURES

    settings.FIGURES_WARM = False
    WORKER_FIGURES.bump()
    REPORT_FIGURES.bump()  # the live report figures' own version (reports.cache)


@pytest.fixture(autouse=True)
def _replica_reads_on_primary(request, monkeypatch):
    """tests/settings.py defines the "replica" alias as the primary's test mirror. A mirror is
    another connection: it sees neither a test's open transaction nor is it open to a test
    that did not ask for it. So replica_reads() stays on the primary except in the tests whose
    django_db marker lists "replica" (tests/core/test_db_router.py)."""
    marker = request.node.get_closest_marker("django_db")
    databases = marker.kwargs.get("databases") if marker else None
    if databases != "__all__" and "replica" not in (databases or ()):
        monkeypatch.setattr("core.db_router.replica_configured", lambda: False)
