# Two statuses of a preview (issue 16): 已放弃 and 已被新的上传取代. Choices only: no row changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0004_import_source_choices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importrecord",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "排队中"),
                    ("validating", "校验中"),
                    ("validated", "已校验，待确认"),
                    ("applying", "导入中"),
                    ("invalid", "有错误，未导入"),
                    ("refused", "文件无法使用"),
                    ("applied", "已导入"),
                    ("failed", "处理失败"),
                    ("expired", "预览已过期"),
                    ("discarded", "已放弃"),
                    ("superseded", "已被新的上传取代"),
                ],
                default="pending",
                max_length=20,
                verbose_name="状态",
            ),
        ),
    ]
