"""A task enqueued with transaction.on_commit runs in a real Celery worker process."""

import os

import pytest
from django.db import transaction

from justsend_panel.core.models import WorkerHeartbeat
from justsend_panel.core.services import heartbeat_request
from tests.fixtures.worker import wait_until, worker_settle

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_task_enqueued_on_commit_is_run_by_the_worker(celery_worker_process):
    with transaction.atomic():
        heartbeat_request(source="test-commit")
        # Not sent yet: the worker must never see a row that might still roll back.
        assert not WorkerHeartbeat.objects.filter(source="test-commit").exists()

    heartbeat = wait_until(
        lambda: WorkerHeartbeat.objects.filter(source="test-commit").first(), timeout=30
    )
    assert heartbeat.pid == celery_worker_process.pid
    assert heartbeat.pid != os.getpid()
    assert heartbeat.hostname.startswith("testworker@")


def test_task_of_a_rolled_back_transaction_is_never_sent(celery_worker_process):
    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        with transaction.atomic():
            heartbeat_request(source="test-rollback")
            raise Abort
    # A later task proves the worker is draining the queue; the rolled-back one is absent.
    with transaction.atomic():
        heartbeat_request(source="test-after-rollback")
    wait_until(lambda: WorkerHeartbeat.objects.filter(source="test-after-rollback").exists())
    assert not WorkerHeartbeat.objects.filter(source="test-rollback").exists()


def test_the_worker_reports_when_it_has_settled(celery_worker_process):
    """What keeps a test's last task from running while the next test's database is
    emptied: the worker records each task's start and end, and the fixture waits for a
    quiet spell after the end."""
    with transaction.atomic():
        heartbeat_request(source="test-settle")
    wait_until(lambda: WorkerHeartbeat.objects.filter(source="test-settle").exists())
    assert worker_settle(celery_worker_process, quiet=0.3, timeout=30)
    state, stamp = celery_worker_process.activity_path.read_text().split()
    assert state == "idle" and float(stamp) > 0
