"""Celery beat runs the quarterly report on the first day of each quarter (the quarter that has
just ended), the monthly report on the first of each month, and the sweeper every minute;
staff change or disable them in the admin (django-celery-beat: 周期任务)."""

import json

from django.db import migrations

SCHEDULES = [
    ("季度改革进展报告", "reports.tasks.report_scheduled_task", {"kind": "quarterly"},
     {"minute": "30", "hour": "1", "day_of_month": "1", "month_of_year": "1,4,7,10"}),
    ("月度改革进展报告", "reports.tasks.report_scheduled_task", {"kind": "monthly"},
     {"minute": "0", "hour": "2", "day_of_month": "1", "month_of_year": "*"}),
]
SWEEPER = "补发未送出的报告请求"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, kwargs, when in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*", timezone="Asia/Shanghai", **when
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "kwargs": json.dumps(kwargs)}
        )
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEPER,
        defaults={"task": "reports.tasks.reports_sweep_task", "interval": every_minute},
    )


def unschedule(apps, schema_editor):
    names = [name for name, *_ in SCHEDULES] + [SWEEPER]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reform_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
