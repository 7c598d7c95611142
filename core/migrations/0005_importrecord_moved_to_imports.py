"""ImportRecord now lives in the `imports` app (imports 0001 took it into its state). Its table
stays as it is; its content type is re-pointed so every permission on it, and every role group
and user holding one, keeps working, and admin log entries still find their objects."""

from django.db import migrations


def repoint_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="core", model="importrecord").first()
    if old is None:  # a new database: content types are created after the migrations
        return
    new = ContentType.objects.filter(app_label="imports", model="importrecord").first()
    if new is not None:
        # Created meanwhile (a run of the new code before this migration): keep the old one,
        # which holds the permissions and log entries.
        Permission = apps.get_model("auth", "Permission")
        Permission.objects.filter(content_type=new).delete()
        new.delete()
    old.app_label = "imports"
    old.save(update_fields=["app_label"])


def point_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="imports", model="importrecord").update(
        app_label="core"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_schedule_preview_expiry"),
        ("imports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ImportRecord")],
        ),
        migrations.RunPython(repoint_content_type, point_content_type_back),
    ]
