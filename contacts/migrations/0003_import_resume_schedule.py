"""Beat entry (editable in admin) that resumes CSV imports a dead worker left behind."""

from django.db import migrations

TASK_NAME = "Resume stalled contact imports"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_two_minutes, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "contacts.imports_resume",
            "interval": every_two_minutes,
            "description": (
                "Queues again every import whose batches have not moved for five minutes"
                " (a worker died or its message was lost); batches are idempotent."
            ),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_import_batches_offsets_counts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
