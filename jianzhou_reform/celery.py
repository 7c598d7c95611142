"""Celery application: broker and result backend come from REDIS_URL via Django settings."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianzhou_reform.settings")

app = Celery("jianzhou_reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _verify_personal_data_key(**kwargs: object) -> None:
    """A worker on the wrong PERSONAL_DATA_KEY would write data nobody can read: stop it."""
    from core.keys import personal_data_key_verify

    personal_data_key_verify()
