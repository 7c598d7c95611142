from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_personal_data_access_log")]

    operations = [
        migrations.CreateModel(
            name="PersonalDataKeyCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64)),
                ("token", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "个人信息密钥校验",
                "verbose_name_plural": "个人信息密钥校验",
                "default_permissions": (),
            },
        ),
    ]
