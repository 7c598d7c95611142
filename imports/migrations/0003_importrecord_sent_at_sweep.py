"""Uploads the broker did not take wait in the database and are sent when it is back (issue 12):
an import record knows when its step's task was sent, and celery beat runs the sweeper every
minute (staff change or disable it in the admin: 周期任务). Records that exist already were
sent the old way: they count as sent."""

from django.db import migrations, models
from django.db.models import F

TASK = "imports.tasks.import_uploads_sweep_task"
NAME = "补发未送出的导入任务"


def mark_existing_sent(apps, schema_editor):
    ImportRecord = apps.get_model("imports", "ImportRecord")
    ImportRecord.objects.filter(sent_at__isnull=True).update(sent_at=F("updated_at"))


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": every_minute})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_originals_encrypted_retention"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrecord",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="送入任务队列时间"),
        ),
        migrations.RunPython(mark_existing_sent, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
