"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justsend_panel.settings")

app = Celery("justsend_panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
