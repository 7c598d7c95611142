"""Uploaded originals and staged rows encrypted at rest, and deleted after a retention period
staff set (issue 12). Files already on disk are encrypted in place; a daily schedule purges
originals past the period."""

import json

from django.core.files.storage import default_storage
from django.db import migrations, models

import django.core.validators

import core.crypto
import core.storage
import imports.models

TASK = "imports.tasks.import_originals_purge_task"
NAME = "删除超过保存期限的原始文件"


def encrypt_files(apps, schema_editor):
    ImportRecord = apps.get_model("imports", "ImportRecord")
    for file_name, staged_name in ImportRecord.objects.values_list("file", "staged_rows"):
        for name in (file_name, staged_name):
            if not name or not default_storage.exists(name):
                continue
            path = default_storage.path(name)
            with open(path, "rb") as handle:
                content = handle.read()
            if content.startswith(core.crypto.FILE_MAGIC):
                continue
            with open(path, "wb") as handle:
                handle.write(core.crypto.encrypt_bytes(content))


def retention(apps, schema_editor):
    ImportRetention = apps.get_model("imports", "ImportRetention")
    if not ImportRetention.objects.exists():
        ImportRetention.objects.create(originals_days=180)


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "kwargs": json.dumps({})}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importrecord",
            name="file",
            field=models.FileField(
                blank=True,
                storage=core.storage.encrypted_storage,
                upload_to=imports.models.import_upload_path,
                verbose_name="文件",
            ),
        ),
        migrations.AddField(
            model_name="importrecord",
            name="file_deleted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="原始文件删除时间"),
        ),
        migrations.AlterField(
            model_name="importrecord",
            name="staged_rows",
            field=models.FileField(
                blank=True,
                storage=core.storage.encrypted_storage,
                upload_to="imports/staged/",
                verbose_name="已校验数据",
            ),
        ),
        migrations.CreateModel(
            name="ImportRetention",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "originals_days",
                    models.PositiveIntegerField(
                        default=180,
                        help_text="上传的原始文件（含身份证号、手机号码）在导入完成后保存的天数，到期自动删除。",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(3650),
                        ],
                        verbose_name="原始文件保存天数",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={"verbose_name": "原始文件保存期限", "verbose_name_plural": "原始文件保存期限"},
        ),
        migrations.RunPython(retention, migrations.RunPython.noop),
        migrations.RunPython(encrypt_files, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
