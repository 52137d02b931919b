"""Beat entry (editable in admin) that asks a worker for a heartbeat every minute."""

import json

from django.db import migrations

TASK_NAME = "Record worker heartbeat"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "core.heartbeat_record",
            "interval": every_minute,
            "kwargs": json.dumps({"source": "beat"}),
            "description": "Proves that beat and a worker are running; shown on /healthz.",
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_worker_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
