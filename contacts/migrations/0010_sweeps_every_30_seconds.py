"""Beat entries: the contacts sweeps run every 30 seconds and take over expired leases.

With leases of LEASE_SECONDS (60) and a sweep every 30 s, work a dead worker held is
running again within about 90 s, where it used to wait 5 to 7 minutes. The pull gets a
sweep of its own (the hourly pull only starts new ones). PeriodicTask.interval is changed
in place, so entries an administrator renamed elsewhere are left alone.
"""

from django.db import migrations

PUSH_NAME = "Push contact changes to Justsend"
IMPORTS_NAME = "Resume stalled contact imports"
PULL_RESUME_NAME = "Resume interrupted pulls from Justsend"
# The intervals these entries had before (0003, 0005), for the way back.
OLD_INTERVALS = {PUSH_NAME: (1, "minutes"), IMPORTS_NAME: (2, "minutes")}


def _every(apps, every: int, period: str):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    return IntervalSchedule.objects.get_or_create(every=every, period=period)[0]


def sweeps_every_30_seconds(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s = _every(apps, 30, "seconds")
    PeriodicTask.objects.filter(name__in=list(OLD_INTERVALS)).update(interval=every_30s)
    PeriodicTask.objects.get_or_create(
        name=PULL_RESUME_NAME,
        defaults={
            "task": "contacts.pull_resume",
            "interval": every_30s,
            "description": (
                "Queues again a pull left pending (its retries spent) or whose worker died"
                " (lease expired); it continues from the page it had reached."
            ),
        },
    )
    PeriodicTask.objects.filter(name=IMPORTS_NAME).update(
        description=(
            "Queues again every import with work left and no live lease (a worker died or"
            " its message was lost); batches are idempotent."
        )
    )


def sweeps_back(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=PULL_RESUME_NAME).delete()
    for name, (every, period) in OLD_INTERVALS.items():
        PeriodicTask.objects.filter(name=name).update(interval=_every(apps, every, period))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0009_blacklist_event"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(sweeps_every_30_seconds, sweeps_back)]
