"""One retry for the outbox (pages, admin, beat), admin pages that cannot delete pending
work or history, and the sweeps that take over dead workers' work every 30 s."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from contacts.models import SyncOperation
from contacts.services.push import sync_operations_retry

pytestmark = pytest.mark.django_db
State, Kind = SyncOperation.State, SyncOperation.Kind


def _row(state, *, kind=Kind.BLACKLIST_REMOVE, lease_in=None, error=""):
    lease = {} if lease_in is None else {
        "lease_token": "worker", "lease_expires_at": timezone.now() + lease_in
    }
    return SyncOperation.objects.create(
        kind=kind, state=state, payload={"country": "POLAND", "msisdns": ["48500100200"]},
        last_error=error, attempts=2, **lease,
    )


@pytest.fixture
def rows():
    return {
        "failed": _row(State.FAILED, error="Justsend said no"),
        "dead": _row(State.RUNNING, lease_in=timedelta(seconds=-1)),
        "alive": _row(State.RUNNING, lease_in=timedelta(seconds=50)),
        "done": _row(State.DONE),
        "pending": _row(State.PENDING),
        "pull": _row(State.FAILED, kind=Kind.PULL),
    }


def _states(rows):
    return {name: SyncOperation.objects.get(pk=row.pk).state for name, row in rows.items()}


def test_a_person_retries_failed_and_orphaned_pushes_only(rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sync_operations_retry() == 2
    assert callbacks  # a push is requested once the retry commits
    assert _states(rows) == {
        "failed": State.PENDING, "dead": State.PENDING, "alive": State.RUNNING,
        "done": State.DONE, "pending": State.PENDING, "pull": State.FAILED,
    }
    failed = SyncOperation.objects.get(pk=rows["failed"].pk)
    # The error and the lease go; the attempts stay (a group create adopts by them).
    assert (failed.last_error, failed.lease_token, failed.attempts) == ("", "", 2)
    assert SyncOperation.objects.get(pk=rows["dead"].pk).lease_expires_at is None


def test_beats_sweep_takes_over_orphaned_pushes_but_leaves_refused_ones(rows):
    assert sync_operations_retry(failed=False) == 1
    assert _states(rows)["dead"] == State.PENDING
    assert _states(rows)["failed"] == State.FAILED


def test_the_admin_retry_action_goes_through_the_same_rules(admin_client, rows):
    selected = [rows[name].pk for name in ("failed", "alive", "done", "pull")]
    response = admin_client.post(
        reverse("admin:contacts_syncoperation_changelist"),
        {"action": "retry", "_selected_action": selected},
    )
    assert response.status_code == 302
    assert _states(rows) == {
        "failed": State.PENDING, "dead": State.RUNNING, "alive": State.RUNNING,
        "done": State.DONE, "pending": State.PENDING, "pull": State.FAILED,
    }


@pytest.mark.parametrize("name", ["pending", "alive", "done", "failed"])
def test_the_admin_cannot_delete_outbox_rows(admin_client, rows, name):
    row = rows[name]
    response = admin_client.post(
        reverse("admin:contacts_syncoperation_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    bulk = admin_client.post(
        reverse("admin:contacts_syncoperation_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert SyncOperation.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    "task", ["contacts.sync_push", "contacts.imports_resume", "contacts.pull_resume"]
)
def test_the_contacts_sweeps_run_every_30_seconds(task):
    entry = PeriodicTask.objects.get(task=task)
    every = timedelta(**{entry.interval.period: entry.interval.every})
    # With LEASE_SECONDS = 20, a dead worker's work runs again within about 50 s.
    assert every <= timedelta(seconds=30)
    assert entry.enabled
