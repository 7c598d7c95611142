"""ID numbers, phones and uploaded files are encrypted at rest; ID numbers are found by a keyed
HMAC; the wrong key stops the portal (issue 12, item 11)."""

import base64
import datetime
import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core import crypto
from core.checks import personal_data_key
from core.keys import personal_data_key_verify
from core.logfilters import DropQueryStrings
from imports.models import ImportRecord, ImportRetention
from imports.services import import_originals_purge
from tests.factories import EnterpriseFactory, WorkerFactory
from tests.workers.test_import_roster import HEADER, person, row, write_xlsx
from workers.models import Worker

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = "another-personal-data-key-that-is-long-enough-0123456789"


def raw_worker(pk: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_digest FROM workers_worker WHERE id = %s", [pk]
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_id_number_and_phone_are_ciphertext_in_the_table_and_plain_in_python():
    number = person(7)
    worker = WorkerFactory(id_number=number, phone="13669891234")
    stored_id, stored_phone, digest = raw_worker(worker.pk)
    assert number not in stored_id and "13669891234" not in stored_phone
    assert "1985" not in stored_id, "not even the birth date is readable"
    # A fresh nonce each time: two writes of one number differ.
    assert crypto.encrypt_text(number) != crypto.encrypt_text(number)
    assert digest != hashlib.sha256(number.encode()).hexdigest(), "a plain hash is guessable"
    fetched = Worker.objects.get(pk=worker.pk)
    assert (fetched.id_number, fetched.phone) == (number, "13669891234")


@pytest.mark.django_db
def test_equality_finds_by_digest_and_nothing_else_can_be_asked():
    number = person(8).replace("X", "x")
    worker = WorkerFactory(id_number=person(8))
    assert Worker.objects.get(id_number=number.upper()) == worker
    assert list(Worker.objects.filter(id_number__in=[person(8), person(9)])) == [worker]
    assert Worker.objects.filter(id_number__iexact=number.lower()).exists()
    assert not Worker.objects.filter(id_number=person(9)).exists()
    for lookup in (
        {"id_number__startswith": person(8)[:6]},
        {"id_number__contains": "1985"},
        {"id_number__gt": "3"},
        {"phone__startswith": "136"},
        {"phone": "13669891234"},
    ):
        with pytest.raises(FieldError):
            list(Worker.objects.filter(**lookup))


@pytest.mark.django_db
def test_one_person_one_id_number_held_by_the_digest():
    WorkerFactory(id_number=person(10))
    duplicate = Worker(id_number=person(10), name="重复")
    with pytest.raises(Exception) as raised:
        duplicate.full_clean()
    assert "身份证号" in str(raised.value)
    with pytest.raises(IntegrityError):
        Worker.objects.create(id_number=person(10), name="重复")


@pytest.mark.django_db
def test_the_digest_depends_on_the_key():
    number = person(11)
    digest = crypto.blind_index(number)
    with override_settings(PERSONAL_DATA_KEY=OTHER_KEY):
        assert crypto.blind_index(number) != digest


@pytest.mark.django_db
def test_a_wrong_key_fails_closed():
    worker = WorkerFactory(id_number=person(12), phone="13900001111")
    personal_data_key_verify()  # the database's key is the running one
    assert personal_data_key(None, databases=["default"]) == []
    with override_settings(PERSONAL_DATA_KEY=OTHER_KEY):
        with pytest.raises(ImproperlyConfigured):
            personal_data_key_verify()
        assert [error.id for error in personal_data_key(None, databases=["default"])] == [
            "core.E001"
        ]
        # Reading with the wrong key raises; it never returns garbage.
        with pytest.raises(crypto.DecryptionError):
            Worker.objects.get(pk=worker.pk)


def _settings_process(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PERSONAL_DATA_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", "import jianzhou_reform.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "key", ["", "short", "dev-only-personal-data-key-do-not-use-in-production"]
)
def test_production_settings_refuse_a_missing_short_or_dev_key(key):
    result = _settings_process(
        DEBUG="false",
        SECRET_KEY="k" * 20 + "production-secret-key-for-the-test-0123456789",
        PERSONAL_DATA_KEY=key,
    )
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEY" in result.stderr


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="本企业")
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.mark.django_db
def test_uploads_and_staged_rows_are_encrypted_on_disk(client, hr_user, enterprise, tmp_path):
    path = write_xlsx(
        tmp_path / "花名册.xlsx",
        [row(1, 手机号码="13712345678"), row(2, 手机号码="")],
        header=[*HEADER, "手机号码"],
    )
    content = path.read_bytes()
    client.force_login(hr_user)
    client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile(path.name, content)},
    )
    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportRecord.Status.VALIDATED
    on_disk = Path(settings.MEDIA_ROOT, record.file.name).read_bytes()
    assert on_disk.startswith(crypto.FILE_MAGIC) and content not in on_disk
    with record.file.open("rb") as handle:
        assert handle.read() == content
    staged = Path(settings.MEDIA_ROOT, record.staged_rows.name).read_bytes()
    assert staged.startswith(crypto.FILE_MAGIC)
    import gzip

    with record.staged_rows.open("rb") as handle:
        assert person(1).encode() in gzip.decompress(handle.read())
    # The rows written by the set-based import are sealed too.
    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    worker = Worker.objects.get(id_number=person(1))
    stored_id, stored_phone, digest = raw_worker(worker.pk)
    assert person(1) not in stored_id and "13712345678" not in stored_phone
    assert digest == crypto.blind_index(person(1))
    assert (worker.phone, Worker.objects.get(id_number=person(2)).phone) == ("13712345678", "")
    # A tampered file does not open.
    Path(settings.MEDIA_ROOT, record.file.name).write_bytes(on_disk[:-1] + b"\x00")
    with pytest.raises(crypto.DecryptionError):
        record.file.open("rb")


@pytest.mark.django_db
def test_originals_are_deleted_after_the_retention_staff_set(client, staff_user):
    from django.core.files.base import ContentFile

    now = timezone.now()

    def record(status, days_old):
        made = ImportRecord(
            kind="roster",
            enterprise=EnterpriseFactory(),
            original_name="a.xlsx",
            sha256="0" * 64,
            status=status,
        )
        made.file.save("a.xlsx", ContentFile(b"PK fake"), save=True)
        ImportRecord.objects.filter(pk=made.pk).update(
            created_at=now - datetime.timedelta(days=days_old)
        )
        return made

    old_applied = record(ImportRecord.Status.APPLIED, 40)
    old_invalid = record(ImportRecord.Status.INVALID, 40)
    recent = record(ImportRecord.Status.APPLIED, 10)
    waiting = record(ImportRecord.Status.VALIDATED, 40)
    ImportRetention.objects.update(originals_days=30)
    old_path = Path(settings.MEDIA_ROOT, old_applied.file.name)
    assert old_path.exists()

    assert import_originals_purge(now=now) == 2
    assert not old_path.exists()
    for gone in (old_applied, old_invalid):
        gone.refresh_from_db()
        assert not gone.file and gone.file_deleted_at == now
        assert gone.original_name == "a.xlsx", "the record stays"
    for kept in (recent, waiting):
        kept.refresh_from_db()
        assert kept.file and Path(settings.MEDIA_ROOT, kept.file.name).exists()
    assert import_originals_purge(now=now) == 0, "running twice changes nothing"
    client.force_login(staff_user)
    assert (
        client.get(reverse("workers:roster_upload_original", args=[old_applied.pk])).status_code
        == 404
    )
    page = client.get(reverse("workers:roster_upload", args=[old_applied.pk])).content.decode()
    assert "原文件已过保存期限，已删除" in page
    assert (
        client.get(
            reverse("admin:imports_importrecord_download", args=[old_applied.pk])
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_staff_set_the_retention_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    retention = ImportRetention.objects.get()
    url = reverse("admin:imports_importretention_change", args=[retention.pk])
    page = client.get(url).content.decode()
    assert "原始文件保存天数" in page
    client.post(url, {"originals_days": "30"})
    assert ImportRetention.objects.get().originals_days == 30
    client.post(url, {"originals_days": "0"})
    assert ImportRetention.objects.get().originals_days == 30, "at least one day"
    assert client.get(reverse("admin:imports_importretention_add")).status_code == 403


def test_request_lines_are_logged_without_their_query_string(caplog):
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("GET /admin/workers/worker/?q=330683198503090012 HTTP/1.1", "200", "512"),
        None,
    )
    DropQueryStrings().filter(record)
    line = record.getMessage()
    assert "330683198503090012" not in line and "/admin/workers/worker/" in line


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows():
    before = [("workers", "0004_worker_view_full_id_number_permission")]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(before)
    OldWorker = old.get_model("workers", "Worker")
    kept = OldWorker.objects.create(
        id_number=person(20),
        name="老职工",
        sex="M",
        birth_date=datetime.date(1985, 3, 9),
        phone="13500001111",
    )
    try:
        _migrate(latest)
        stored_id, stored_phone, digest = raw_worker(kept.pk)
        assert digest == crypto.blind_index(person(20))
        assert person(20) not in stored_id and "13500001111" not in stored_phone
        worker = Worker.objects.get(id_number=person(20))
        assert (worker.pk, worker.name, worker.phone) == (kept.pk, "老职工", "13500001111")
    finally:
        _migrate(latest)
        Worker.objects.filter(pk=kept.pk).delete()


def test_a_file_of_values_sealed_at_once_each_with_its_own_nonce_and_readable_back():
    """imports.bulk seals a roster's 10^5 phones with one sealer: nonces come from the OS a
    few thousand at a time, and no two values share one (nor leak equal plaintexts)."""
    field = Worker._meta.get_field("phone")
    seal, open_value = field.sealer(), field.opener()
    values = ["1380000%04d" % (i % 3) for i in range(9000)]  # more than two draws of nonces
    sealed = [seal(v) for v in values]
    assert [open_value(s) for s in sealed] == values
    assert [field.from_db_value(s, None, connection) for s in sealed[:5]] == values[:5]
    nonces = {base64.b64decode(s[3:])[:12] for s in sealed}
    assert len(nonces) == len(values)
    assert len(set(sealed)) == len(values)
    # What is not text to seal passes as raw_value passes it.
    assert [seal(v) for v in (None, "", sealed[0])] == [None, "", sealed[0]]
    # A value sealed for another column does not open here.
    other = Worker._meta.get_field("id_number").sealer()("1380000000")
    with pytest.raises(crypto.DecryptionError):
        open_value(other)


@pytest.mark.parametrize(
    "value", ["33068319850309123x", " 33068319850309123X ", "13900001111", "", "张三"]
)
def test_the_digests_of_a_file_are_the_blind_index_of_each_value(value):
    """imports digest a roster's 10^5 ID numbers with one blind_indexer: the same digest as
    blind_index, so a worker is found whichever wrote the row."""
    index = crypto.blind_indexer()
    assert index(value) == crypto.blind_index(value)
    assert index(value) == index(value)  # the keyed state is copied, never consumed
    assert index("330683198503091234") != index(value)
