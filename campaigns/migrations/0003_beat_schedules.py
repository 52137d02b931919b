"""Beat entries (editable in admin): submit due scheduled campaigns, poll sending ones."""

from django.db import migrations

SCHEDULES = {
    "Submit due scheduled campaigns": (
        "campaigns.submit_due",
        "Every minute: queues scheduled campaigns whose time has come, and re-runs "
        "submissions whose worker died.",
    ),
    "Poll campaigns being sent": (
        "campaigns.poll_in_flight",
        "Every minute: reads status, counts and cost of campaigns Justsend is sending.",
    ),
}


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, (task, description) in SCHEDULES.items():
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "interval": every_minute, "description": description},
        )


def delete_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=list(SCHEDULES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_audience_progress"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
