from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workers", "0003_union_left_on"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="worker",
            options={
                "ordering": ["name", "id"],
                "permissions": [("view_full_id_number", "查看完整身份证号和手机号码")],
                "verbose_name": "职工",
                "verbose_name_plural": "职工",
            },
        ),
    ]
