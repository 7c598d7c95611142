"""A large upload's 错误说明 file is built by the Celery worker after its check, never inside a
page request: a download before it is ready answers at once and the page says to wait, a lost
build is queued again, and the file is the same as the one the request used to build."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import PersonalDataAccess
from imports import services, tasks
from imports.annotate import annotated_workbook
from imports.models import ImportRecord
from imports.reading import UnusableFile
from imports.services import (
    annotated_name,
    import_annotated_sweep,
    import_originals_purge,
    import_record_validate,
)
from tests.conftest import celery_worker_running
from tests.factories import EnterpriseFactory
from tests.workers.test_import_roster import row, write_xlsx
from tests.workers.test_roster_tasks import wait_for
from workers.importers import ROSTER_DATASET

WAITING = "正在生成错误说明文件，请稍候刷新"


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="大企业")
    enterprise.hr_users.add(hr_user)
    return enterprise


def invalid_roster(tmp_path) -> bytes:
    rows = [row(n) for n in range(40)]
    rows[3] = row(3, 身份证号="330683198503091234")
    rows[7] = row(7, 入职日期="明天")
    return write_xlsx(tmp_path / "bad.xlsx", rows).read_bytes()


def post_upload(client, enterprise, content: bytes) -> ImportRecord:
    client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile("bad.xlsx", content)},
    )
    return ImportRecord.objects.latest("pk")


def fresh(record: ImportRecord) -> ImportRecord:
    return ImportRecord.objects.get(pk=record.pk)


def urls(record: ImportRecord) -> tuple[str, str, str]:
    return (
        reverse("workers:roster_upload", args=[record.pk]),
        reverse("workers:roster_upload_annotated", args=[record.pk]),
        reverse("workers:roster_upload_progress", args=[record.pk]),
    )


def parts(xlsx: bytes) -> dict[str, bytes]:
    """The workbook's parts: the zip's own entry times differ between two builds."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        return {name: package.read(name) for name in package.namelist()}


def no_build_here(*args, **kwargs):
    raise AssertionError("the 错误说明 file was built inside the page request")


def test_the_worker_builds_a_large_uploads_annotated_file_before_any_download(
    client, worker_thread, hr_user, enterprise, tmp_path, monkeypatch
):
    client.force_login(hr_user)
    content = invalid_roster(tmp_path)
    record = post_upload(client, enterprise, content)
    wait_for(lambda: fresh(record).annotated == ImportRecord.Annotated.READY, what="错误说明 file")
    record = fresh(record)
    assert record.status == ImportRecord.Status.INVALID
    assert record.file.storage.exists(annotated_name(record)), "stored before any download"
    page_url, download_url, progress_url = urls(record)
    assert client.get(progress_url).json()["annotated"] == "ready"
    page = client.get(page_url).content.decode()
    assert 'id="download-annotated"' in page and WAITING not in page

    monkeypatch.setattr(services, "annotated_workbook_write", no_build_here)
    response = client.get(download_url)

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    built = b"".join(response.streaming_content)
    # The same workbook the page request used to build from the original and its errors.
    before = annotated_workbook(
        content, filename="bad.xlsx", dataset=ROSTER_DATASET, errors=record.errors
    )
    assert parts(built) == parts(before)
    sheet = openpyxl.load_workbook(io.BytesIO(built))["花名册"]
    notes = [c.value for r in sheet.iter_rows() for c in r if str(c.value).startswith("【")]
    assert any(n.startswith("【身份证号】") for n in notes)
    assert any(n.startswith("【入职日期】") for n in notes)
    assert PersonalDataAccess.objects.filter(
        actor=hr_user, action=PersonalDataAccess.Action.DOWNLOAD_ANNOTATED, object_id=record.pk
    ).exists()

    # Personal data like the original: deleted with it.
    ImportRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert import_originals_purge() == 1
    assert not record.file.storage.exists(annotated_name(record))
    assert client.get(download_url).status_code == 404


@pytest.mark.django_db
def test_a_download_before_the_file_is_ready_builds_nothing_and_the_page_says_to_wait(
    client, background, hr_user, enterprise, tmp_path, monkeypatch
):
    client.force_login(hr_user)
    record = post_upload(client, enterprise, invalid_roster(tmp_path))
    # The worker has checked the file and not built its 错误说明 file yet.
    import_record_validate(record_id=record.pk)
    record = fresh(record)
    assert record.status == ImportRecord.Status.INVALID
    assert record.annotated == ImportRecord.Annotated.QUEUED
    page_url, download_url, progress_url = urls(record)
    monkeypatch.setattr(services, "annotated_workbook_write", no_build_here)

    response = client.get(download_url)

    assert response.status_code == 302 and response.url == page_url
    assert not record.file.storage.exists(annotated_name(record))
    assert not PersonalDataAccess.objects.exists(), "nothing left the portal"
    page = client.get(page_url).content.decode()
    assert WAITING in page and 'id="download-annotated"' not in page
    assert "import_progress.js" in page, "the page polls until the file is ready"
    assert client.get(progress_url).json()["annotated"] == "building"

    monkeypatch.undo()
    tasks.import_annotated_build_task(record.pk)  # as the worker does

    assert client.get(progress_url).json()["annotated"] == "ready"
    page = client.get(page_url).content.decode()
    assert 'id="download-annotated"' in page and WAITING not in page
    assert client.get(download_url).status_code == 200


@pytest.mark.django_db
def test_a_lost_build_is_queued_again_by_a_download_or_the_sweeper_once(
    client,
    background,
    hr_user,
    enterprise,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    client.force_login(hr_user)
    record = post_upload(client, enterprise, invalid_roster(tmp_path))
    import_record_validate(record_id=record.pk)  # then the worker died
    _, download_url, _ = urls(record)
    sent = []
    monkeypatch.setattr(tasks.import_annotated_build_task, "delay", sent.append)
    monkeypatch.setattr(services, "annotated_workbook_write", no_build_here)

    # Queued a moment ago: still being built, nothing is queued again.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(download_url).status_code == 302
        assert import_annotated_sweep() == 0
    assert sent == []

    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportRecord.objects.filter(pk=record.pk).update(annotated_queued_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(download_url).status_code == 302
        client.get(download_url)
        assert import_annotated_sweep() == 0
    assert sent == [record.pk], "queued again once, not built in the request"

    ImportRecord.objects.filter(pk=record.pk).update(annotated_queued_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_annotated_sweep() == 1
        assert import_annotated_sweep() == 0
    assert sent == [record.pk, record.pk]
    assert not record.file.storage.exists(annotated_name(record))


def test_the_sweeper_has_a_lost_build_done_by_a_worker(
    client, background, transactional_db, hr_user, enterprise, tmp_path, monkeypatch
):
    client.force_login(hr_user)
    monkeypatch.setattr(tasks.import_validate_task, "delay", lambda record_id: None)
    record = post_upload(client, enterprise, invalid_roster(tmp_path))
    monkeypatch.undo()
    import_record_validate(record_id=record.pk)  # then the worker died
    ImportRecord.objects.filter(pk=record.pk).update(
        annotated_queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with celery_worker_running():
        assert tasks.import_uploads_sweep_task() == 1
        wait_for(
            lambda: fresh(record).annotated == ImportRecord.Annotated.READY,
            what="错误说明 file",
        )
    assert record.file.storage.exists(annotated_name(record))
    _, download_url, _ = urls(record)
    assert client.get(download_url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("large", [True, False])
def test_a_file_that_cannot_be_annotated_says_so_on_the_page(
    client, settings, hr_user, enterprise, tmp_path, monkeypatch, large
):
    client.force_login(hr_user)
    if large:
        settings.IMPORT_ASYNC_FROM_BYTES = 1
    record = post_upload(client, enterprise, invalid_roster(tmp_path))
    if large:
        import_record_validate(record_id=record.pk)

    def unusable(*args, **kwargs):
        raise UnusableFile("read under older limits")

    monkeypatch.setattr(services, "annotated_workbook_write", unusable)
    if large:
        tasks.import_annotated_build_task(record.pk)
    page_url, download_url, progress_url = urls(record)

    response = client.get(download_url)

    assert response.status_code == 302 and response.url == page_url
    page = client.get(page_url).content.decode()
    assert "无法为这个文件生成错误说明文件" in page
    assert WAITING not in page and 'id="download-annotated"' not in page
    assert client.get(progress_url).json()["annotated"] == "unusable"
    assert not record.file.storage.exists(annotated_name(record))


def test_a_build_that_fails_every_time_is_given_up_after_a_few_and_not_queued_again(
    client, settings, hr_user, enterprise, tmp_path, monkeypatch
):
    """A build that kills its worker, or fails on storage each time, would otherwise be
    delivered and queued again forever: each start is counted before it runs."""
    client.force_login(hr_user)
    settings.IMPORT_ASYNC_FROM_BYTES = 1
    record = post_upload(client, enterprise, invalid_roster(tmp_path))
    import_record_validate(record_id=record.pk)
    builds = []

    def storage_down(*args, **kwargs):
        builds.append(1)
        raise OSError("disk gone")

    monkeypatch.setattr(services, "annotated_workbook_write", storage_down)
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            services.import_record_annotated_build(record_id=record.pk)
    assert len(builds) == services.MAX_ATTEMPTS
    assert fresh(record).annotated_attempts == services.MAX_ATTEMPTS

    assert services.import_record_annotated_build(record_id=record.pk) == "unusable"
    assert len(builds) == services.MAX_ATTEMPTS  # not tried again
    assert fresh(record).annotated == ImportRecord.Annotated.UNUSABLE
    # Neither the sweeper nor a download queues it again; the page says it cannot be made.
    ImportRecord.objects.filter(pk=record.pk).update(
        annotated_queued_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert import_annotated_sweep() == 0
    page_url, download_url, _progress = urls(record)
    assert client.get(download_url).url == page_url
    assert "无法为这个文件生成错误说明文件" in client.get(page_url).content.decode()
    assert len(builds) == services.MAX_ATTEMPTS


def test_an_upload_without_row_errors_counts_no_build(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    content = write_xlsx(tmp_path / "good.xlsx", [row(n) for n in range(5)]).read_bytes()
    record = post_upload(client, enterprise, content)
    assert fresh(record).status != ImportRecord.Status.INVALID
    assert services.import_record_annotated_build(record_id=record.pk) is None
    assert fresh(record).annotated_attempts == 0
