"""Beat entries (editable in admin): push the outbox every minute, pull from Justsend hourly."""

from django.db import migrations

PUSH_NAME = "Push contact changes to Justsend"
PULL_NAME = "Pull contacts from Justsend"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=PUSH_NAME,
        defaults={
            "task": "contacts.sync_push",
            "interval": every_minute,
            "description": (
                "Catches up on pending pushes (group, member and blacklist changes) after"
                " Justsend was down or a worker died; each change is also pushed on commit."
            ),
        },
    )
    PeriodicTask.objects.get_or_create(
        name=PULL_NAME,
        defaults={
            "task": "contacts.justsend_pull",
            "interval": every_hour,
            "description": (
                "Imports groups, members and blacklist entries made in Justsend's own panel;"
                " members of a group are compared in full only when the counts differ."
            ),
        },
    )


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[PUSH_NAME, PULL_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_sync_progress_and_pull"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
