"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

from justsend_panel.core.broker import filesystem_transport_register

filesystem_transport_register()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justsend_panel.settings")

app = Celery("justsend_panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
