"""Issue 17: an SMS.by single message's status is settled by the beat entry's task run by a
real worker (no eager Celery): checkSMS through the session sandbox, applied by the status
service, Viber shown once the forwarding time has passed."""

from uuid import uuid4

import pytest
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from campaigns.models import Recipient, SentMessage
from campaigns.services.test_send import single_message_send
from justsend_panel.celery import app as celery_app
from tests.fixtures.worker import wait_until

POLL_TASK = "campaigns.single_messages_poll"


@pytest.mark.django_db
def test_beat_has_an_editable_entry_polling_single_messages_every_minute():
    entry = PeriodicTask.objects.get(task=POLL_TASK)
    assert (entry.enabled, entry.interval.every, entry.interval.period) == (True, 1, "minutes")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_run_by_a_real_worker_settles_a_single_message(panel_sandbox, celery_worker_process):
    options = {"alphaname_id": 7, "forwarding_message": True, "forwarding_time": 5, "vibername_id": 3}
    ids = [single_message_send(msisdn="48500100200", content=f"Hello {i}", provider="smsby", token=uuid4(),
                               provider_options=options).sent_message_id for i in range(20)]
    # Past every SMS's delivery and past the forwarding time: each is delivered, by SMS or Viber.
    panel_sandbox.advance(10)
    panel_sandbox.advance(5 * 60)
    transaction.on_commit(lambda: celery_app.send_task(POLL_TASK))

    def settled():
        rows = SentMessage.objects.filter(pk__in=ids, delivery_status=Recipient.Status.DELIVERED)
        return rows.count() == len(ids) and rows

    rows = wait_until(settled, timeout=60)
    assert {row.channel for row in rows} == {"sms", "viber"}
