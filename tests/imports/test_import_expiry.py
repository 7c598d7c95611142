"""Unconfirmed previews expire: their staged rows (personal data) are deleted, nothing applied."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from imports.models import ImportRecord
from imports.services import import_previews_expire
from imports.tasks import import_previews_expire_task
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def record(status: str, age_days: int) -> ImportRecord:
    made = ImportRecord(
        kind="roster",
        enterprise=EnterpriseFactory(),
        original_name="a.xlsx",
        sha256="0" * 64,
        status=status,
    )
    made.file.save("a.xlsx", ContentFile(b"x"), save=False)
    made.staged_rows.save("1.json.gz", ContentFile(b"rows"), save=False)
    made.save()
    ImportRecord.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=age_days)
    )
    return made


def test_old_previews_expire_and_lose_their_staged_rows():
    old = record(ImportRecord.Status.VALIDATED, 8)
    recent = record(ImportRecord.Status.VALIDATED, 2)
    applied = record(ImportRecord.Status.APPLIED, 30)
    staged = old.staged_rows.path

    assert import_previews_expire(older_than=datetime.timedelta(days=7)) == 1
    old.refresh_from_db()
    assert old.status == ImportRecord.Status.EXPIRED and not old.staged_rows
    assert "过期" in old.errors[0]["message"]
    assert not os.path.exists(staged)
    assert old.file, "the original stays in the history"
    recent.refresh_from_db()
    applied.refresh_from_db()
    assert recent.status == ImportRecord.Status.VALIDATED and recent.staged_rows
    assert applied.status == ImportRecord.Status.APPLIED


def test_the_daily_schedule_exists_and_its_task_runs():
    task = PeriodicTask.objects.get(task="core.tasks.import_previews_expire_task")
    assert task.enabled and task.crontab.hour == "3"
    record(ImportRecord.Status.VALIDATED, 10)
    assert import_previews_expire_task.apply(kwargs={"days": 7}).get() == 1
