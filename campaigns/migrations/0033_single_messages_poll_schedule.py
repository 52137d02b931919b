"""Beat entry (editable in admin): poll the status of single messages whose provider
reports one message's status but pushes none (SMS.by's checkSMS)."""

from django.db import migrations

TASK_NAME = "Poll single messages' statuses"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "campaigns.single_messages_poll",
            "interval": every_minute,
            "description": "Every minute: asks SMS.by (checkSMS) how the single messages of the "
                           "last two days went (SMS or Viber, delivered) until final.",
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0032_sentmessage_kind_channel_cost"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
