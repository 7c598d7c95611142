"""Celery application: broker and result backend come from REDIS_URL via Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianzhou_reform.settings")

app = Celery("jianzhou_reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
