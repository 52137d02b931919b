"""task_enqueue: sent after commit, and a broker that refuses never breaks the caller."""

import logging

import pytest
from django.db import transaction

from justsend_panel.core import queueing


class Refusing:
    def send_task(self, *args, **kwargs):
        raise ConnectionRefusedError("broker down")


class Recording:
    def __init__(self):
        self.sent = []

    def send_task(self, name, kwargs=None, **options):
        self.sent.append((name, kwargs, options))


@pytest.fixture
def broker(monkeypatch):
    def use(fake):
        monkeypatch.setattr("justsend_panel.celery.app", fake)
        queueing.enqueue_failed_reset()
        return fake
    yield use
    queueing.enqueue_failed_reset()


@pytest.mark.django_db(transaction=True)
def test_the_task_is_sent_only_after_the_commit(broker):
    fake = broker(Recording())
    with transaction.atomic():
        queueing.task_enqueue("x.y", kwargs={"a": 1}, countdown=2, queue="sync")
        assert fake.sent == []
    assert fake.sent == [("x.y", {"a": 1}, {"countdown": 2, "queue": "sync"})]


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_is_logged_and_remembered_not_raised(broker, caplog):
    broker(Refusing())
    with caplog.at_level(logging.WARNING, logger="justsend_panel.core.queueing"):
        with transaction.atomic():
            queueing.task_enqueue("contacts.sync_push")
    assert queueing.enqueue_failed()
    assert "Could not enqueue contacts.sync_push (ConnectionRefusedError" in caplog.text
