"""Large roster uploads run in Celery: a real worker checks and applies them with progress; a
worker that dies mid-apply leaves nothing half-written and the upload retryable; two applies
for one enterprise never interleave."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections
from django.urls import reverse

from imports.models import ImportRecord
from imports.services import (
    import_progress,
    import_record_apply,
    import_uploads_sweep,
    upload_apply,
    upload_preview,
)
from tests.factories import EnterpriseFactory, make_id_number
from tests.workers.test_import_roster import row, write_xlsx
from workers.importers import ROSTER
from workers.models import Employment, Worker

ROOT = Path(__file__).resolve().parents[2]

requires_redis_and_postgres = pytest.mark.skipif(
    not os.environ.get("REDIS_URL")
    or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a separate worker process needs a shared broker and a shared database",
)
requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="row locks are what is tested; SQLite (development only) locks whole tables",
)


def many_rows(count: int, **overrides) -> list[list]:
    """Distinct people: make_id_number repeats every 400, so birth dates advance too."""
    return [
        row(
            n,
            身份证号=make_id_number(
                n, datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 400)
            ),
            **overrides,
        )
        for n in range(count)
    ]


def wait_for(predicate, timeout: float = 60.0, what: str = "condition", every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OperationalError as exc:
            # SQLite (development): the test database is shared in memory, and a read while
            # the worker thread writes fails at once ("database table is locked") instead of
            # waiting for the write. Not yet, then.
            if "locked" not in str(exc):
                raise
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting for %s" % what)


def status_of(record: ImportRecord) -> str:
    return ImportRecord.objects.values_list("status", flat=True).get(pk=record.pk)


@pytest.fixture
def hr_setup(roles, hr_user):
    enterprise = EnterpriseFactory(name="大企业")
    enterprise.hr_users.add(hr_user)
    return hr_user, enterprise


def test_a_large_upload_is_checked_and_applied_by_a_worker(
    client, worker_thread, hr_setup, tmp_path
):
    hr_user, enterprise = hr_setup
    client.force_login(hr_user)
    path = write_xlsx(tmp_path / "big.xlsx", [row(n) for n in range(300)])
    response = client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile("big.xlsx", path.read_bytes())},
    )
    record = ImportRecord.objects.get()
    assert response.url == reverse("workers:roster_upload", args=[record.pk])
    # The page answers at once: a progress bar the browser polls, or (if the worker was
    # quicker than the page) the finished preview.
    page = client.get(response.url).content.decode()
    assert 'id="upload-progress"' in page or "已校验，待确认" in page
    progress_url = reverse("workers:roster_upload_progress", args=[record.pk])
    wait_for(lambda: status_of(record) == ImportRecord.Status.VALIDATED, what="preview")
    state = client.get(progress_url).json()
    assert state["percent"] == 100 and not state["in_progress"]
    record.refresh_from_db()
    assert record.counts["created"] == 300 and Worker.objects.count() == 0

    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    wait_for(lambda: status_of(record) == ImportRecord.Status.APPLIED, what="apply")
    assert Employment.objects.filter(enterprise=enterprise, departure_date=None).count() == 300


def test_progress_is_reported_while_a_task_runs(worker_thread, hr_setup, tmp_path):
    hr_user, enterprise = hr_setup
    seen: list[int] = []
    path = write_xlsx(tmp_path / "big.xlsx", many_rows(6000))
    record = upload_preview(
        kind=ROSTER,
        user=hr_user,
        enterprise=enterprise,
        filename="big.xlsx",
        content=path.read_bytes(),
    )

    def done() -> bool:
        state = import_progress(ImportRecord.objects.get(pk=record.pk))
        if state["in_progress"]:
            seen.append(state["percent"])
        return not state["in_progress"]

    wait_for(done, what="preview")
    assert status_of(record) == ImportRecord.Status.VALIDATED
    assert any(0 < p < 100 for p in seen), "the bar moved between start and end: %s" % seen[:20]
    assert seen == sorted(seen), "the bar never goes back"


@requires_postgres
def test_two_applies_for_one_enterprise_never_interleave(transactional_db, roles, tmp_path):
    enterprise = EnterpriseFactory()
    staff = _staff()
    first = many_rows(1500, 岗位="甲岗")
    second = many_rows(1500, 岗位="乙岗")
    # Each is confirmed (claimed for applying) before the next is previewed: a newer clean
    # preview overtakes only previews still waiting, so both are really applied at once here.
    records = []
    for name, rows in (("a.xlsx", first), ("b.xlsx", second)):
        record = upload_preview(
            kind=ROSTER,
            user=staff,
            enterprise=enterprise,
            filename=name,
            content=write_xlsx(tmp_path / name, rows).read_bytes(),
        )
        ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.APPLYING)
        records.append(record)
    barrier = threading.Barrier(2)

    def apply(record):
        try:
            barrier.wait()
            import_record_apply(record_id=record.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply, args=(r,)) for r in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = sorted(status_of(r) for r in records)
    assert statuses.count(ImportRecord.Status.APPLIED) == 1, statuses
    other = next(s for s in statuses if s != ImportRecord.Status.APPLIED)
    # The second waits for the first, then refuses to overwrite it: never both, never a mix.
    assert other == ImportRecord.Status.REFUSED
    positions = set(Employment.objects.values_list("position", flat=True))
    assert len(positions) == 1 and Employment.objects.count() == 1500


def _staff():
    from django.contrib.auth.models import Group

    from core.roles import Role
    from tests.factories import UserFactory

    user = UserFactory(username="staff-concurrency", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.STAFF))
    return user


@requires_redis_and_postgres
def test_a_worker_killed_mid_apply_leaves_nothing_half_written_and_can_be_retried(
    transactional_db, background, settings, hr_setup, tmp_path
):
    hr_user, enterprise = hr_setup
    # Ten workers on the roster; the new file keeps nine, adds five, one departs.
    kept = [row(n) for n in range(10)]
    settings.IMPORT_ASYNC_FROM_BYTES = 10**9  # the first roster in the request
    record = upload_preview(
        kind=ROSTER,
        user=hr_user,
        enterprise=enterprise,
        filename="first.xlsx",
        content=write_xlsx(tmp_path / "first.xlsx", kept).read_bytes(),
    )
    upload_apply(user=hr_user, record=record)
    assert status_of(record) == ImportRecord.Status.APPLIED
    settings.IMPORT_ASYNC_FROM_BYTES = 1
    leaving = Employment.objects.get(worker__name="职工9")

    record = upload_preview(
        kind=ROSTER,
        user=hr_user,
        enterprise=enterprise,
        filename="second.xlsx",
        content=write_xlsx(
            tmp_path / "second.xlsx", kept[:9] + [row(n) for n in range(10, 15)]
        ).read_bytes(),
    )
    worker = _worker_process()
    try:
        wait_for(lambda: status_of(record) == ImportRecord.Status.VALIDATED, what="preview")
        # Another session holds the departing worker's row: the task inserts the new workers,
        # then waits here to mark the departure — in the middle of its transaction.
        with _raw_connection() as blocker:
            blocker.execute(
                "SELECT id FROM workers_employment WHERE id = %s FOR UPDATE", [leaving.pk]
            )
            upload_apply(user=hr_user, record=record)
            wait_for(_departure_update_waits, what="the task to block mid-apply")
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
            blocker.rollback()
    finally:
        if worker.poll() is None:
            worker.kill()
    assert status_of(record) == ImportRecord.Status.APPLYING, "visible as still running"
    assert Worker.objects.count() == 10, "nothing of the killed run was written"
    assert Employment.objects.filter(departure_date__isnull=False).count() == 0

    settings.IMPORT_STALL_SECONDS = 0
    record.refresh_from_db()
    assert import_progress(record)["stalled"]
    worker = _worker_process()
    try:
        from imports.services import upload_retry

        upload_retry(user=hr_user, record=record)
        wait_for(lambda: status_of(record) == ImportRecord.Status.APPLIED, what="retry")
    finally:
        worker.kill()
        worker.wait(30)
    assert Worker.objects.count() == 15
    assert Employment.objects.get(pk=leaving.pk).departure_date is not None


def _raw_connection():
    import psycopg

    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
    )


def _departure_update_waits() -> bool:
    """The task has written its inserts and now waits to mark the departure."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE%%workers_employment%%'"
        )
        return cursor.fetchone()[0] > 0


def _worker_process() -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        # With DJANGO_SETTINGS_MODULE, which pytest-django set for this process: the worker runs
        # on the test settings (tests.settings), not on the Celery app's default.
        **os.environ,
        "DATABASE_URL": "postgres://%s:%s@%s:%s/%s"
        % (
            database["USER"],
            database["PASSWORD"],
            database["HOST"] or "127.0.0.1",
            database["PORT"] or 5432,
            database["NAME"],
        ),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "IMPORT_ASYNC_FROM_BYTES": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jianzhou_reform",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_broker_that_is_down_leaves_the_upload_waiting_for_the_sweeper(
    client, worker_thread, hr_setup, tmp_path, monkeypatch
):
    from kombu.exceptions import OperationalError

    from imports import tasks

    hr_user, enterprise = hr_setup
    client.force_login(hr_user)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.import_validate_task, "delay", broker_down)
    response = client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {
            "file": SimpleUploadedFile(
                "a.xlsx", write_xlsx(tmp_path / "a.xlsx", [row(1)]).read_bytes()
            )
        },
    )
    record = ImportRecord.objects.get()
    assert response.status_code == 302, "the web request still answers at once"
    assert status_of(record) == ImportRecord.Status.PENDING, "kept, waiting for the broker"
    page = client.get(response.url).content.decode()
    assert "任务队列暂时不可用" in page and "无需重新上传" in page

    monkeypatch.undo()
    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 1
    wait_for(lambda: status_of(record) == ImportRecord.Status.VALIDATED, what="swept preview")
    assert import_uploads_sweep(older_than=datetime.timedelta(0)) == 0
