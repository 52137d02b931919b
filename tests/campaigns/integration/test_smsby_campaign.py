"""Issue 17's SMS.by acceptance: a real worker sends a campaign through SMS.by's simulator
(over HTTP, in ``sendBulkSms`` mailings named by the call's reference) with a blacklisted
number in the audience; statuses come only by polling ``statusBulkSms`` (the beat's
service, driven here with the sandbox's clock as Justsend's integration tests drive theirs)
and every recipient ends final: nobody sent twice, the blacklisted number never sent to.
And the same 1,000 (the blacklisted number among them) with a worker SIGKILLed while
SMS.by holds a mailing: the next worker finds that mailing
by its name and sends only the rest."""

import os
import signal
import time
from datetime import timedelta

import pytest

from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.provider_polling import campaigns_poll_provider_calls
from campaigns.services.provider_sending import campaign_in_doubt_count
from justsend_panel.celery import app as celery_app
from justsend_panel.core.models import ProviderSetting
from tests.campaigns.integration.test_smsmanager_campaign import (  # noqa: F401 (a fixture)
    _taken_over,
    _worker_start,
    _worker_stop,
    smsmanager_sandbox,
)
from tests.campaigns.services.conftest import blacklist, campaign_make, group_with_members
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = Campaign.Status
R = Recipient.Status
C = ProviderCall.State
QUEUE = "smsby-acceptance"
AUDIENCE = 1000
MAILING_SIZE = 100
ALPHANAME = "4242"
BLACKLISTED = "48500000007"
FINAL = (R.DELIVERED, R.UNDELIVERED, R.EXPIRED, R.REJECTED)


@pytest.fixture
def smsby_sandbox(smsmanager_sandbox, settings):
    """SMS Manager's acceptance sandbox (manual clock), the panel here configured for its SMS.by."""
    settings.SMSBY_TOKEN = ""
    settings.SMSBY_API_URL = smsmanager_sandbox.smsby_url
    settings.SMSBY_SANDBOX_TOKEN = smsmanager_sandbox.smsby_token
    settings.SMSBY_MAILING_SIZE = MAILING_SIZE
    ProviderSetting.objects.create(provider="smsby", default_sender=ALPHANAME, rate_limit=50)
    return smsmanager_sandbox


def _smsby_worker(sandbox, live_server, log_path, **extra_env):
    return _worker_start(sandbox, live_server, log_path, queues=QUEUE,
                         SMSBY_TOKEN="", SMSBY_API_URL=sandbox.smsby_url,
                         SMSBY_SANDBOX_TOKEN=sandbox.smsby_token,
                         SMSBY_MAILING_SIZE=str(MAILING_SIZE), **extra_env)


def _submit(campaign) -> None:
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk}, queue=QUEUE)


def _final_count(campaign) -> int:
    return Recipient.objects.filter(campaign=campaign, status__in=FINAL).count()


def _polled_until_final(sandbox, campaign, expected: int) -> None:
    """Move the simulator's clock and run the beat's poll until every recipient is final."""
    deadline = time.monotonic() + 300
    while _final_count(campaign) < expected and time.monotonic() < deadline:
        sandbox.advance(120)
        campaigns_poll_provider_calls(gap=timedelta(0))


def _sent_numbers(sandbox) -> list[str]:
    return [m["phone"] for m in sandbox.smsby_messages().values()]


def test_a_campaign_through_sms_by_reaches_final_statuses_by_polling(
        smsby_sandbox, live_server, marketing_user, tmp_path):
    group = group_with_members("Customers", AUDIENCE, start=500000000)
    blacklist(BLACKLISTED)
    campaign = campaign_make(marketing_user, groups=[group], provider="smsby", sender=ALPHANAME,
                             message="Winter sale -20%", status=S.QUEUED)
    worker = _smsby_worker(smsby_sandbox, live_server, tmp_path / "smsbyworker.log")
    try:
        _submit(campaign)
        wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=180)
    finally:
        _worker_stop(worker)
    campaign.refresh_from_db()
    assert campaign.recipients_count == AUDIENCE - 1 and campaign.blacklisted_removed == 1
    calls = list(ProviderCall.objects.filter(campaign=campaign))
    assert len(calls) == AUDIENCE // MAILING_SIZE and {c.state for c in calls} == {C.SENT}

    _polled_until_final(smsby_sandbox, campaign, AUDIENCE - 1)

    assert _final_count(campaign) == AUDIENCE - 1, worker.log_path.read_text()[-3000:]
    numbers = _sent_numbers(smsby_sandbox)
    assert len(numbers) == len(set(numbers)) == AUDIENCE - 1  # 0 sent twice
    assert BLACKLISTED not in numbers
    names = [m["name"] for m in smsby_sandbox.app.smsby.store.all(
        "SELECT name FROM smsby_mailings ORDER BY id")]
    assert names == [f"{campaign.reference}-{n}" for n in range(1, len(calls) + 1)]
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED
    assert campaign.delivered_count + campaign.undelivered_count == AUDIENCE - 1
    assert sum(c.parts for c in ProviderCall.objects.filter(campaign=campaign)) == AUDIENCE - 1


def test_a_worker_killed_while_sms_by_holds_a_mailing_is_recovered_by_name_without_duplicates(
        smsby_sandbox, live_server, marketing_user, tmp_path, monkeypatch):
    """SIGKILL while SMS.by holds the first mailing (it stores it after the worker died):
    once the dead worker's lease runs out (LEASE_SECONDS=3) the sweep hands the campaign
    on; the new worker finds the mailing by its name in getSMSMessages, settles it as sent
    and sends only the other mailings: nobody in doubt, nobody twice."""
    original = celery_app.send_task
    monkeypatch.setattr(celery_app, "send_task", lambda name, *args, **kwargs: original(
        name, *args, **{**kwargs, **({"queue": QUEUE} if name == "campaigns.submit" else {})}))
    group = group_with_members("Customers", AUDIENCE, start=500000000)
    blacklist(BLACKLISTED)
    expected = AUDIENCE - 1
    campaign = campaign_make(marketing_user, groups=[group], provider="smsby", sender=ALPHANAME,
                             message="Winter sale -20%", status=S.QUEUED)
    smsby_sandbox.set_faults(latency_ms=3000)
    dying = _smsby_worker(smsby_sandbox, live_server, tmp_path / "dying.log", LEASE_SECONDS="3")
    try:
        _submit(campaign)
        wait_until(lambda: smsby_sandbox.app.requests_logged("/smsby/api/v1/sendBulkSms"),
                   timeout=120, interval=0.05)
        os.kill(dying.pid, signal.SIGKILL)
        dying.wait(timeout=15)
    finally:
        _worker_stop(dying)
    assert [c.state for c in ProviderCall.objects.filter(campaign=campaign)] == [C.RECORDED]
    # SMS.by took the mailing although nobody heard its answer.
    wait_until(lambda: len(_sent_numbers(smsby_sandbox)) == MAILING_SIZE, timeout=30)
    smsby_sandbox.set_faults()
    taker = _smsby_worker(smsby_sandbox, live_server, tmp_path / "taker.log", LEASE_SECONDS="3")
    try:
        _taken_over(campaign)
    finally:
        _worker_stop(taker)
    calls = list(ProviderCall.objects.filter(campaign=campaign))
    assert [(c.state, c.attempts) for c in calls] == [(C.SENT, 1)] * -(-expected // MAILING_SIZE)
    assert calls[0].batch_id.startswith("mailing:")
    numbers = _sent_numbers(smsby_sandbox)
    assert len(numbers) == len(set(numbers)) == expected  # the lost mailing was not sent again
    assert BLACKLISTED not in numbers
    assert campaign_in_doubt_count(campaign=campaign) == 0
    _polled_until_final(smsby_sandbox, campaign, expected)
    assert _final_count(campaign) == expected, taker.log_path.read_text()[-3000:]
