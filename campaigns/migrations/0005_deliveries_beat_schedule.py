"""Beat entry (editable in admin): apply stored postbacks, a safety net for the webhook's
own request (a broker that was down, a worker that died mid-batch)."""

from django.db import migrations

TASK_NAME = "Apply received postbacks"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "deliveries.apply_postbacks",
            "interval": every_30s,
            "description": "Every 30 seconds: applies stored Justsend postbacks (delivery "
                           "statuses, replies, STOP) that no request has applied yet.",
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
