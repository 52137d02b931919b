import json
from decimal import Decimal

import pytest
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from billing.models import AccountSnapshot
from billing.tasks import account_snapshot_record_task
from tests.fixtures.worker import wait_until

SUMMARY = "/api/payment/account/summary"


def _enqueue_like_beat() -> None:
    with transaction.atomic():
        transaction.on_commit(lambda: account_snapshot_record_task.delay(source="beat"))


@pytest.mark.django_db
def test_beat_entry_every_15_minutes_is_in_the_database():
    entry = PeriodicTask.objects.get(task="billing.account_snapshot_record")
    assert (entry.interval.every, entry.interval.period) == (15, "minutes")
    assert json.loads(entry.kwargs) == {"source": "beat"}
    assert entry.enabled


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_the_balance(celery_worker_process, panel_sandbox):
    panel_sandbox.set_balance(balance=777, promo=3)
    _enqueue_like_beat()
    snapshot = wait_until(lambda: AccountSnapshot.objects.first(), timeout=60)
    assert snapshot.account_balance == Decimal("777") and snapshot.promo_points == Decimal("3")
    assert snapshot.source == "beat"
    assert Decimal(snapshot.prices["PRO"]) == 9


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_task_retries_a_failing_justsend(celery_worker_process, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    _enqueue_like_beat()
    wait_until(
        lambda: any(r["status"] == 500 for r in panel_sandbox.requests(path=SUMMARY)), timeout=60
    )
    assert not AccountSnapshot.objects.exists()
    panel_sandbox.set_faults(rate_500=0)
    snapshot = wait_until(lambda: AccountSnapshot.objects.first(), timeout=60)
    assert snapshot.account_balance == Decimal("10000")
