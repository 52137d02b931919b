"""Beat entry (editable in admin): poll the statuses of campaigns sent through a provider
that pushes none (SMS.by's mailings)."""

from django.db import migrations

NAME = "Poll provider mailings"
TASK = "campaigns.poll_provider_calls"
DESCRIPTION = ("Every minute: reads per-recipient statuses, cost and parts of the mailings of "
               "campaigns sent through a provider without delivery callbacks (SMS.by).")


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_minute, "description": DESCRIPTION})


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0030_providercall_cost_parts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
