"""Celery finds tasks by name: queued messages and the schedules stored in the database name
them as they were when they were written. Tasks that moved between apps keep their names."""

import pytest
from django_celery_beat.models import PeriodicTask

from jianzhou_reform.celery import app

# Names that messages in a queue or rows of django_celery_beat may hold today.
PINNED = {
    "core.tasks.import_validate_task": "imports.tasks",
    "core.tasks.import_apply_task": "imports.tasks",
    "core.tasks.import_previews_expire_task": "imports.tasks",
    "unions.tasks.figures_warm_task": "workers.tasks",
}


def test_tasks_that_moved_keep_their_names():
    app.loader.import_default_modules()
    for name, module in PINNED.items():
        assert name in app.tasks, name
        assert app.tasks[name].run.__module__ == module


@pytest.mark.django_db
def test_every_stored_schedule_names_a_task_that_exists():
    app.loader.import_default_modules()
    stored = list(PeriodicTask.objects.exclude(task="").values_list("task", flat=True))
    assert "core.tasks.import_previews_expire_task" in stored
    assert [name for name in stored if name not in app.tasks] == []
