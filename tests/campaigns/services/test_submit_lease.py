"""Submitting and cancelling under the campaign's lease (issue 12, defect 4).

Only the lease holder looks the bulk up by name and sends; a task that finds the lease
held does nothing; a holder that was taken over does not write its result; the sweep hands
on only work whose lease lapsed (or that no task claimed within the grace).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from campaigns.models import Campaign
from campaigns.services import campaign_submit
from campaigns.services.cancelling import campaign_cancel_remote
from campaigns.services.scheduling import campaigns_submit_due
from campaigns.services.sending import CANCEL_TASK, SUBMIT_TASK
from campaigns.signals import submission_answered
from tests.campaigns.services.conftest import campaign_make, group_with_members

S = Campaign.Status
SEND = "/api/sender/bulk/send"


def _leased(campaign, *, seconds: float, token: str = "other-worker:1:ab"):
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_token=token, lease_expires_at=timezone.now() + timedelta(seconds=seconds))


def _stuck(count: int = 2, **fields) -> Campaign:
    """A campaign left in ``submitting`` without a bulk id, as a dead worker leaves it."""
    return campaign_make(groups=[group_with_members("Customers", count)], status=S.SUBMITTING,
                         launched_at=timezone.now(), **fields)


@pytest.mark.django_db
def test_a_recovery_that_finds_the_lease_held_neither_looks_up_nor_sends(panel_sandbox):
    campaign = _stuck()
    _leased(campaign, seconds=60)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.batch_id) == (S.SUBMITTING, "")
    assert campaign.lease_token == "other-worker:1:ab"
    assert panel_sandbox.requests(path=SEND) == []
    assert panel_sandbox.requests(path="/api/overview/bulks") == []


@pytest.mark.django_db
def test_an_expired_lease_is_taken_over_and_released_with_the_bulk(panel_sandbox):
    campaign = _stuck()
    _leased(campaign, seconds=-1)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.batch_id
    assert (campaign.lease_token, campaign.lease_expires_at) == ("", None)
    assert len(panel_sandbox.requests(path=SEND)) == 1


@pytest.mark.django_db
def test_the_queued_claim_takes_the_lease_with_the_move_to_submitting(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    seen = {}

    def look(sender, campaign_id, **kwargs):
        seen.update(Campaign.objects.filter(pk=campaign_id).values(
            "status", "lease_token", "lease_expires_at").get())

    submission_answered.connect(look, dispatch_uid="test-look")
    try:
        campaign_submit(campaign_id=campaign.pk)
    finally:
        submission_answered.disconnect(dispatch_uid="test-look")
    assert seen["status"] == S.SUBMITTING and seen["lease_token"]
    assert seen["lease_expires_at"] > timezone.now()
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.submit_attempts == 1
    assert campaign.lease_token == ""


@pytest.mark.django_db
def test_a_holder_taken_over_after_justsends_answer_leaves_the_result_to_the_new_holder(
        panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)

    def taken_over(sender, campaign_id, **kwargs):
        # The worker stalled past its lease: another one took the work over meanwhile.
        _leased(Campaign(pk=campaign_id), seconds=60)

    submission_answered.connect(taken_over, dispatch_uid="test-taken-over")
    try:
        campaign_submit(campaign_id=campaign.pk)
    finally:
        submission_answered.disconnect(dispatch_uid="test-taken-over")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.batch_id) == (S.SUBMITTING, "")
    assert campaign.lease_token == "other-worker:1:ab"  # not released by the old holder

    _leased(campaign, seconds=-1)  # the new holder died too: the next one finds the bulk
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.batch_id
    assert len(panel_sandbox.requests(path=SEND)) == 1


@pytest.mark.django_db
def test_the_sweep_hands_on_only_work_whose_lease_lapsed(
        sent_tasks, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=1)
    held = campaign_make(name="held", status=S.SUBMITTING)
    expired = campaign_make(name="expired", status=S.SUBMITTING)
    fresh_queued = campaign_make(name="fresh", status=S.QUEUED)
    lost_queued = campaign_make(name="lost", status=S.QUEUED)
    held_cancel = campaign_make(name="held cancel", status=S.CANCELLING, batch_id="u-1")
    dead_cancel = campaign_make(name="dead cancel", status=S.CANCELLING, batch_id="u-2")
    Campaign.objects.update(updated_at=long_ago)
    Campaign.objects.filter(pk=fresh_queued.pk).update(updated_at=timezone.now())
    for campaign in (held, held_cancel):
        _leased(campaign, seconds=60)
    for campaign in (expired, dead_cancel):
        _leased(campaign, seconds=-1)
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_submit_due()
    assert sorted(sent_tasks) == sorted([(SUBMIT_TASK, expired.pk), (SUBMIT_TASK, lost_queued.pk),
                                         (CANCEL_TASK, dead_cancel.pk)])
    # Handed on once: the next sweep (30 s later) does not enqueue copies while the task
    # waits in the queue; the dead holder's token is gone.
    assert Campaign.objects.get(pk=expired.pk).lease_token == ""
    sent_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_submit_due()
    assert sent_tasks == []


@pytest.mark.django_db
def test_the_sweep_runs_every_15_seconds():
    entry = PeriodicTask.objects.get(task="campaigns.submit_due")
    assert (entry.interval.every, entry.interval.period) == (15, "seconds")


@pytest.mark.django_db
def test_a_cancel_that_finds_the_lease_held_does_not_call_justsend(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(status=S.CANCELLING)
    campaign.refresh_from_db()
    _leased(campaign, seconds=60)
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLING
    assert panel_sandbox.requests(path=f"/api/sender/bulk/{campaign.batch_id}") == []

    _leased(campaign, seconds=-1)
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED and campaign.lease_token == ""


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the race needs two concurrent writers; SQLite runs one writing transaction at a"
    " time (make test on PostgreSQL, as .ci/run does first, plays it)",
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_recoveries_at_once_send_at_most_once(panel_sandbox):
    campaign = _stuck(3)
    # Slow answers widen the window in which both recoveries would look the bulk up.
    panel_sandbox.set_faults(latency_ms=300)
    start = threading.Barrier(2)
    errors = []

    def recover():
        try:
            start.wait(timeout=10)
            campaign_submit(campaign_id=campaign.pk)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recover) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive(), "a recovery never finished"
    panel_sandbox.set_faults(latency_ms=0)
    assert errors == []
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.batch_id
    with panel_sandbox.client() as api:
        bulks = api.get("overview/bulks", params={"size": 100}).json()["content"]
    assert [b["uuid"] for b in bulks if b["name"] == campaign.bulk_name] == [campaign.batch_id]
    assert len(panel_sandbox.requests(path=SEND)) == 1


def test_crash_hooks_load_only_under_the_test_settings():
    """Issue 13, point 16: the panel's own settings carry no crash switch and never install
    the test hooks, whatever the environment says."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    probe = ("import django, os; django.setup(); from django.conf import settings as s; "
             "print('tests.hooks' in ' '.join(s.INSTALLED_APPS), "
             "hasattr(s, 'CAMPAIGN_TEST_CRASH_AFTER_SUBMIT'))")
    env = {**os.environ, "PANEL_TEST_HOOKS": "stall_after_submit",
           "CAMPAIGN_TEST_CRASH_AFTER_SUBMIT": "1"}
    answers = {}
    for module in ("justsend_panel.settings", "justsend_panel.test_settings"):
        answers[module] = subprocess.run(
            [sys.executable, "-c", probe], env={**env, "DJANGO_SETTINGS_MODULE": module},
            cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        ).stdout.split()
    assert answers == {"justsend_panel.settings": ["False", "False"],
                       "justsend_panel.test_settings": ["True", "False"]}
