"""ImportRecord moved from `core` to `imports`: a database from before keeps its rows, its table,
the permissions on the model and the role groups holding them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0004_schedule_preview_expiry"), ("imports", None)]
AFTER = [("core", "0005_importrecord_moved_to_imports"), ("imports", "0001_initial")]


def latest():
    """Every app's newest migration: going back to BEFORE also unapplied what came later in
    other apps (core's later migrations and what depends on them)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_rows_permissions_and_groups():
    old = migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    # As a database of the old code has them: content type and permissions under `core`.
    ContentType.objects.filter(app_label="imports").delete()
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="importrecord")
    Permission.objects.filter(content_type__model="importrecord").delete()
    view = Permission.objects.create(
        content_type=content_type, codename="view_importrecord", name="Can view"
    )
    staff = Group.objects.create(name="迁移前的角色")
    staff.permissions.add(view)
    record = old.get_model("core", "ImportRecord").objects.create(
        kind="roster", original_name="花名册.xlsx", sha256="0" * 64, file="imports/roster/a.xlsx"
    )
    try:
        new = migrate(AFTER)
        ImportRecord = new.get_model("imports", "ImportRecord")
        assert ImportRecord.objects.get(pk=record.pk).original_name == "花名册.xlsx"
        moved = new.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
        assert (moved.app_label, moved.model) == ("imports", "importrecord")
        group = new.get_model("auth", "Group").objects.get(pk=staff.pk)
        assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
            ("imports", "view_importrecord")
        ]
        assert "core_importrecord" in connection.introspection.table_names()
    finally:  # whatever failed, leave the schema at the latest migrations for the next tests
        new = migrate(latest())
        new.get_model("imports", "ImportRecord").objects.all().delete()
        new.get_model("auth", "Group").objects.filter(name="迁移前的角色").delete()
