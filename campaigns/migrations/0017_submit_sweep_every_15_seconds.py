"""The submit sweep runs every 15 seconds: with leases of 30 s, a submission whose worker
died is taken over within 45 s (the fault suite's preparation kill, reports included,
recovered in 111-120 s of its 2-minute bound with a 30 s sweep)."""

from django.db import migrations

NAME = "Submit due scheduled campaigns"
DESCRIPTION = (
    "Every 15 seconds: queues scheduled campaigns whose time has come, and hands on "
    "submissions whose worker died (lease expired) or whose task was lost."
)
OLD_DESCRIPTION = (
    "Every 30 seconds: queues scheduled campaigns whose time has come, and hands on "
    "submissions whose worker died (lease expired) or whose task was lost."
)


def _every(apps, seconds: int, description: str) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    PeriodicTask.objects.filter(name=NAME).update(interval=interval, description=description)


def every_15_seconds(apps, schema_editor):
    _every(apps, 15, DESCRIPTION)


def every_30_seconds(apps, schema_editor):
    _every(apps, 30, OLD_DESCRIPTION)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0016_country_labels"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_15_seconds, every_30_seconds)]
