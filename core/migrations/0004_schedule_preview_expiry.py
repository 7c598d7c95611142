"""Daily at 03:30 (Asia/Shanghai) unconfirmed previews older than 7 days expire; staff can
change or disable the schedule in the admin (django-celery-beat)."""

import json

from django.db import migrations

TASK = "core.tasks.import_previews_expire_task"
NAME = "过期未确认的导入预览"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": crontab, "kwargs": json.dumps({"days": 7})},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_import_record_expired"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
