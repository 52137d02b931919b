"""Every task the panel enqueues is found again by a beat entry when its message was never
sent (a broker outage at commit time, issue 12 defect 5) or was lost with a worker."""

import pytest
from django_celery_beat.models import PeriodicTask

from justsend_panel.celery import app

pytestmark = pytest.mark.django_db

# Enqueued task -> the beat entry that finds its work again, and how.
SWEEPS = {
    # The beat entry runs the push itself: every outbox row still pending.
    "contacts.sync_push": "contacts.sync_push",
    # Run by beat without an operation id, it takes the pull left pending.
    "contacts.justsend_pull": "contacts.justsend_pull",
    # Imports queued or running whose batches have not moved.
    "contacts.import_run": "contacts.imports_resume",
    # Queued or submitting campaigns untouched for a while (no bulk yet).
    "campaigns.submit": "campaigns.submit_due",
    # Cancelling campaigns whose cancel never reached Justsend.
    "campaigns.cancel": "campaigns.poll_in_flight",
    # Campaigns their postbacks finished and not read from Justsend since.
    "campaigns.read_finished": "campaigns.poll_in_flight",
    # Stored postbacks not applied yet.
    "deliveries.apply_postbacks": "deliveries.apply_postbacks",
}


def _panel_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_has_a_beat_entry_that_finds_its_work():
    scheduled = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    tasks = _panel_tasks()
    assert set(SWEEPS) <= tasks, set(SWEEPS) - tasks
    unswept = {
        name for name in tasks
        if name not in scheduled and SWEEPS.get(name) not in scheduled
    }
    assert unswept == set(), f"enqueued but no beat entry picks their work up: {unswept}"
