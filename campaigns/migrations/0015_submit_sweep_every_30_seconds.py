"""The submit sweep runs every 30 seconds: work whose lease expired is taken over within
LEASE_SECONDS + 30 s of its worker's death (it waited for a 10-minute staleness before)."""

from django.db import migrations

NAME = "Submit due scheduled campaigns"
DESCRIPTION = (
    "Every 30 seconds: queues scheduled campaigns whose time has come, and hands on "
    "submissions whose worker died (lease expired) or whose task was lost."
)
OLD_DESCRIPTION = (
    "Every minute: queues scheduled campaigns whose time has come, and re-runs "
    "submissions whose worker died."
)


def every_30_seconds(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.filter(name=NAME).update(interval=interval, description=DESCRIPTION)


def every_minute(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.filter(name=NAME).update(interval=interval,
                                                  description=OLD_DESCRIPTION)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0014_campaign_refunded_points"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_30_seconds, every_minute)]
