# The 错误说明 file of a large upload is built by the worker (issue 17): its state and when it
# was queued. New fields only: an existing record gets its file on its next download.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0005_importrecord_status_discarded_superseded"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrecord",
            name="annotated",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "未生成"),
                    ("queued", "生成中"),
                    ("ready", "已生成"),
                    ("unusable", "无法生成"),
                ],
                default="",
                max_length=10,
                verbose_name="错误说明文件",
            ),
        ),
        migrations.AddField(
            model_name="importrecord",
            name="annotated_queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="错误说明文件排队时间"),
        ),
    ]
