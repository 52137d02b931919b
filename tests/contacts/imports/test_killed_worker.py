"""A real Celery worker killed (SIGKILL) in the middle of an import; the run resumed by
another worker leaves every number of the file in the group exactly once."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from contacts.imports import services
from contacts.imports.services import imports_resume
from contacts.imports.tasks import import_run_task
from contacts.models import Group, Import, ImportBatch, Member, SyncOperation
from tests.contacts.imports.conftest import csv_bytes, import_prepare
from tests.fixtures.worker import _wait_for_line, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE = "contacts-import-kill-test"  # only the doomed worker listens here
ROWS, BATCH_ROWS = 60_000, 2_000


@pytest.fixture(autouse=True)
def media_root(settings):
    """Worker processes read uploads from the configured MEDIA_ROOT, not a test folder."""
    yield settings.MEDIA_ROOT
    for job in Import.objects.all():
        job.file.delete(save=False)


@pytest.fixture
def doomed_worker(celery_worker_process, tmp_path):
    log_path = tmp_path / "doomed-worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "justsend_panel.test_settings",
        "PANEL_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "justsend_panel", "worker", "--pool", "solo",
             "-Q", QUEUE, "--loglevel", "INFO", "--without-mingle", "--without-gossip",
             "--hostname", "doomed@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_line(log_path, "ready.", proc, 60)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_killed_worker_then_resumed_import_has_no_duplicate_and_no_gap(
    doomed_worker, panel_sandbox
):
    group = Group.objects.create(name="Kill test")
    numbers = [f"50{i:07d}" for i in range(ROWS)]
    # Queued for the doomed worker only, so that nothing else runs it before the kill.
    with mock.patch.object(services, "_enqueue_run"):
        job = import_prepare(csv_bytes("telefon", *numbers), group=group, batch_rows=BATCH_ROWS)
    import_run_task.apply_async(kwargs={"import_id": job.pk}, queue=QUEUE)

    def some_batches_done():
        done = ImportBatch.objects.filter(import_job=job, state="done").count()
        return done >= 3 and done

    wait_until(some_batches_done, timeout=120, interval=0.02)
    os.kill(doomed_worker.pid, signal.SIGKILL)
    doomed_worker.wait()
    done_at_kill = ImportBatch.objects.filter(import_job=job, state="done").count()
    total_batches = ROWS // BATCH_ROWS
    print(f"killed with {done_at_kill}/{total_batches} batches done")

    assert 3 <= done_at_kill < total_batches
    assert Member.objects.filter(group=group).count() < ROWS
    # The dead worker's batch leases run out (LEASE_SECONDS; here at once), then beat's
    # "Resume stalled contact imports" queues the import: the session's worker takes over.
    ImportBatch.objects.filter(import_job=job, state="running").update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with transaction.atomic():
        assert imports_resume() == [job.pk]
    wait_until(
        lambda: Import.objects.get(pk=job.pk).state in ("finished", "failed"), timeout=180
    )
    job.refresh_from_db()
    assert job.state == Import.State.FINISHED, job.error
    stored = list(Member.objects.filter(group=group).values_list("msisdn", flat=True))
    assert len(stored) == ROWS == len(set(stored))
    assert set(stored) == {f"48{n}" for n in numbers}
    group.refresh_from_db()
    assert group.member_count == ROWS
    assert ImportBatch.objects.filter(import_job=job, state="done").count() == total_batches
    pushed = [m for op in SyncOperation.objects.filter(kind="members_add", group=group)
              for m in op.payload["msisdns"]]
    assert sorted(pushed) == sorted(stored)  # each number queued for Justsend once
