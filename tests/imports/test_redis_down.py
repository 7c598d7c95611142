"""With Redis unreachable (issue 12 item 6) every page still answers, at once: the cache, the
Celery broker and the result backend point at a port nothing listens on. A small roster upload
is checked and applied in the request; a large one is kept, waits unsent, and the sweeper sends
it when Redis is back, exactly once."""

import datetime
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.cache import reset_circuits
from core.models import AuditLog
from imports.models import ImportRecord
from imports.services import import_uploads_sweep
from jianzhou_reform.celery import app as celery_app
from tests.factories import EmploymentFactory, EnterpriseFactory
from tests.workers.test_import_roster import row, write_xlsx
from workers.figures import worker_figures
from workers.models import Employment

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
BOUND = 2.0  # seconds a page may take with Redis down (a functional bound, not a benchmark)
CELERY_KEYS = ("broker_url", "result_backend", "task_always_eager")


def _reconnect_celery() -> None:
    """The app keeps its broker connection pool and result backend: take them again from conf
    (kombu keeps one pool per broker URL, so the original pool is found again)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


class Redis:
    """Switches the portal's Redis (cache, broker, result backend) off and back on."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.caches = settings.CACHES
        self.celery = {key: celery_app.conf[key] for key in CELERY_KEYS}

    def down(self) -> None:
        self.settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.DegradingRedisCache",
                "LOCATION": UNREACHABLE,
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            }
        }
        celery_app.conf.update(
            broker_url=UNREACHABLE, result_backend=UNREACHABLE, task_always_eager=False
        )
        _reconnect_celery()

    def back(self) -> None:
        """Redis answers again; the sweeper's sends run in this process (eager)."""
        self.settings.CACHES = self.caches
        celery_app.conf.update(self.celery, task_always_eager=True)
        _reconnect_celery()
        reset_circuits()

    def restore(self) -> None:
        self.settings.CACHES = self.caches
        celery_app.conf.update(self.celery)
        _reconnect_celery()
        reset_circuits()


@pytest.fixture
def redis(settings) -> Iterator[Redis]:
    # The figures cache on, as in production with Redis.
    settings.FIGURES_CACHE_SECONDS = 3600
    reset_circuits()
    switch = Redis(settings)
    switch.down()
    yield switch
    switch.restore()


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="本企业")
    enterprise.hr_users.add(hr_user)
    EmploymentFactory(enterprise=enterprise)
    return enterprise


def active_in(enterprise) -> int:
    return Employment.objects.filter(enterprise=enterprise, departure_date__isnull=True).count()


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, "answered in %.2f s" % elapsed
    return response


def upload(client, enterprise, path: Path, capture):
    """POST the file; the request's after-commit sends run inside the timed request."""
    with path.open("rb") as handle:
        content = handle.read()

    def post():
        with capture(execute=True):
            return client.post(
                reverse("workers:roster_enterprise", args=[enterprise.pk]),
                {"file": SimpleUploadedFile(path.name, content)},
            )

    return timed(post)


def confirm(client, record, capture):
    def post():
        with capture(execute=True):
            return client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))

    return timed(post)


def test_dashboards_answer_with_redis_down(redis, client, enterprise, union_user, official_user):
    client.force_login(union_user)
    assert timed(client.get, reverse("unions:dashboard")).status_code == 200
    client.force_login(official_user)
    assert timed(client.get, reverse("reports:figures")).status_code == 200


def test_a_small_upload_is_checked_and_applied_in_the_request(
    redis, client, hr_user, enterprise, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(hr_user)
    response = upload(
        client,
        enterprise,
        write_xlsx(tmp_path / "small.xlsx", [row(1), row(2)]),
        django_capture_on_commit_callbacks,
    )
    record = ImportRecord.objects.latest("pk")
    assert response.status_code == 302 and record.status == ImportRecord.Status.VALIDATED
    assert timed(client.get, response.url).status_code == 200
    confirm(client, record, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED
    assert active_in(enterprise) == 2, "the file's two; the one missing from it departed"
    # The figures come from the data, not from a cache that missed the write.
    assert worker_figures(timezone.localdate())["overall"][None]["workers"] == 2


def test_a_large_upload_waits_and_is_swept_exactly_once_when_redis_is_back(
    redis,
    settings,
    client,
    hr_user,
    staff_user,
    enterprise,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.IMPORT_ASYNC_FROM_BYTES = 1  # every file is "large": checked and applied in tasks
    client.force_login(hr_user)
    response = upload(
        client,
        enterprise,
        write_xlsx(tmp_path / "large.xlsx", [row(1), row(2), row(3)]),
        django_capture_on_commit_callbacks,
    )
    record = ImportRecord.objects.latest("pk")
    assert response.status_code == 302
    assert (record.status, record.sent_at, record.attempts) == (
        ImportRecord.Status.PENDING,
        None,
        0,
    ), "kept in its first state, unsent"

    page = timed(client.get, response.url)
    assert page.status_code == 200
    assert "任务队列暂时不可用" in page.content.decode()
    progress = timed(client.get, reverse("workers:roster_upload_progress", args=[record.pk]))
    assert progress.status_code == 200
    assert progress.json()["waiting"] is True and progress.json()["in_progress"] is True
    client.force_login(staff_user)  # staff open every enterprise's uploads
    assert timed(client.get, response.url).status_code == 200
    client.force_login(hr_user)

    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 0, "still down"
    redis.back()
    assert import_uploads_sweep() == 0, "not a minute old yet: it may be running in a request"
    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 1
    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 0, "sent once"
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.VALIDATED and record.attempts == 1

    # Confirmed while Redis is down again: the apply step waits too.
    redis.down()
    confirm(client, record, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert (record.status, record.sent_at) == (ImportRecord.Status.APPLYING, None)
    assert "任务队列暂时不可用" in timed(client.get, response.url).content.decode()

    redis.back()
    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 1
    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 0
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED and record.attempts == 1
    assert active_in(enterprise) == 3
    applied = AuditLog.objects.filter(action="import.roster.applied", object_id=str(record.pk))
    assert applied.count() == 1
