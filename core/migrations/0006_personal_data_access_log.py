import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_importrecord_moved_to_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonalDataAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("view", "查看"),
                            ("reveal", "显示完整号码"),
                            ("export", "导出"),
                            ("download_original", "下载原始文件"),
                            ("download_annotated", "下载错误说明"),
                            ("change", "修改"),
                        ],
                        db_index=True,
                        max_length=32,
                        verbose_name="操作",
                    ),
                ),
                (
                    "object_type",
                    models.CharField(blank=True, max_length=64, verbose_name="对象类型"),
                ),
                (
                    "object_id",
                    models.CharField(blank=True, max_length=64, verbose_name="对象编号"),
                ),
                (
                    "record_count",
                    models.PositiveIntegerField(default=1, verbose_name="涉及人数"),
                ),
                (
                    "detail",
                    models.JSONField(blank=True, default=dict, verbose_name="详情"),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人",
                    ),
                ),
            ],
            options={
                "verbose_name": "个人信息访问记录",
                "verbose_name_plural": "个人信息访问记录",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
