"""Issue 17's acceptance for JustCall: a real worker sends a campaign through JustCall's
simulator (over HTTP, one recorded call per recipient, paced), with a blacklisted number
in the audience; each message's ``webhook_url`` carries its recipient's signed token, the
simulator's status callbacks reach the live panel's ``/webhooks/justcall/<secret>/<token>/``
and every recipient ends final: nobody sent twice, the blacklisted number never sent to.
And the same 1,000 with a worker SIGKILLed mid-send while the simulator holds one call: the next worker takes
the campaign over (lease), puts that call in doubt, sends only the rest, and the held
message's callbacks settle its recipient."""

import os
import signal
import time
from collections import Counter

import pytest

from campaigns.deliveries.models import ProviderNotification
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.provider_sending import campaign_in_doubt_count
from justsend_panel.celery import app as celery_app
from justsend_panel.core.models import ProviderSetting
from tests.campaigns.integration.test_smsmanager_campaign import (
    _all_final,
    _final_count,
    _taken_over,
    _worker_start,
    _worker_stop,
)
from tests.campaigns.services.conftest import blacklist, campaign_make, group_with_members
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = Campaign.Status
R = Recipient.Status
C = ProviderCall.State
QUEUE = "justcall-acceptance"
SECRET = "justcall-acceptance-secret-0123456789"
# Issue #17's acceptance: 1,000. About 50 s on an unloaded 2-core machine (SQLite), two
# minutes when other work shares it: the sandbox, the live server and the simulator's
# callback sender share this process's one interpreter lock (3,000 callbacks, each a
# request through the panel's middleware), and on SQLite every stored callback waits for
# the one write lock; the worker mostly waits for the simulator's answers.
AUDIENCE = 1000
BLACKLISTED = "48500000007"
FROM = "+14155551234"
SEND_PATH = "/justcall/v2/texts/send"


@pytest.fixture
def justcall_sandbox(panel_sandbox, live_server, settings):
    """The session's sandbox (reset; manual clock), its JustCall simulator posting each
    message's callbacks to the live panel."""
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    settings.PANEL_PUBLIC_URL = live_server.url
    settings.POSTBACK_APPLY_DELAY = 0.2
    return panel_sandbox


def _justcall_worker(sandbox, live_server, log_path, *, queues=f"{QUEUE},postbacks",
                     **extra_env):
    return _worker_start(
        sandbox, live_server, log_path, queues=queues,
        JUSTCALL_API_KEY="", JUSTCALL_API_URL=sandbox.justcall_url,
        JUSTCALL_SANDBOX_API_KEY=sandbox.justcall_api_key,
        JUSTCALL_SANDBOX_API_SECRET=sandbox.justcall_api_secret,
        JUSTCALL_WEBHOOK_SECRET=SECRET, **extra_env)


@pytest.fixture
def justcall_worker(justcall_sandbox, live_server, tmp_path):
    worker = _justcall_worker(justcall_sandbox, live_server, tmp_path / "jcworker.log")
    try:
        yield worker
    finally:
        _worker_stop(worker)


def test_a_justcall_campaign_reaches_final_statuses_by_its_recipients_callbacks(
        justcall_sandbox, justcall_worker, live_server, marketing_user):
    ProviderSetting.objects.create(provider="justcall", rate_limit=100, from_numbers=[FROM])
    group = group_with_members("Customers", AUDIENCE, start=500000000)
    blacklist(BLACKLISTED)
    campaign = campaign_make(marketing_user, groups=[group], provider="justcall", sender=FROM,
                             message="Winter sale -20%", status=S.QUEUED)
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk}, queue=QUEUE)

    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=300)
    campaign.refresh_from_db()
    expected = AUDIENCE - 1
    assert campaign.recipients_count == expected and campaign.blacklisted_removed == 1
    calls = ProviderCall.objects.filter(campaign=campaign)
    assert calls.count() == expected  # one call per recipient
    assert set(calls.values_list("state", flat=True)) == {ProviderCall.State.SENT}

    _all_final(justcall_sandbox, campaign, expected)
    assert _final_count(campaign) == expected, justcall_worker.log_path.read_text()[-3000:]

    rows = justcall_sandbox.app.justcall.store.all(
        "SELECT recipient, sender, webhook_url FROM jc_messages")
    per_number = Counter(row[0] for row in rows)
    assert len(per_number) == expected and set(per_number.values()) == {1}  # 0 sent twice
    assert f"+{BLACKLISTED}" not in per_number
    assert {row[1] for row in rows} == {FROM}
    assert all(f"/webhooks/justcall/{SECRET}/r" in row[2] for row in rows)
    assert campaign_in_doubt_count(campaign=campaign) == 0
    # Every callback was stored under its verified token and applied to its recipient.
    notifications = ProviderNotification.objects.filter(provider="justcall")
    assert not notifications.exclude(state=ProviderNotification.State.APPLIED).exists()
    assert notifications.exclude(reference="").count() == notifications.count() >= expected
    campaign = wait_until(lambda: (c := Campaign.objects.get(pk=campaign.pk)).status
                          == S.FINISHED and c, timeout=60)
    assert campaign.delivered_count + campaign.undelivered_count == expected


def _sent_per_number(sandbox) -> Counter:
    return Counter(row[0] for row in sandbox.app.justcall.store.all(
        "SELECT recipient FROM jc_messages"))


def test_a_worker_killed_while_justcall_holds_a_call_leaves_it_in_doubt_until_its_callbacks(
        justcall_sandbox, live_server, marketing_user, tmp_path, monkeypatch):
    """SIGKILL mid-send, while the simulator holds one call (3 s latency) that it takes
    after the worker died: once the dead worker's lease runs out (LEASE_SECONDS=3) the sweep
    hands the campaign on; the new worker puts that call in doubt (its recipient counted)
    and sends only the recipients no call has taken; the held message's callbacks then
    name its recipient and settle it. Nobody twice, the blacklisted number never."""
    original = celery_app.send_task
    monkeypatch.setattr(celery_app, "send_task", lambda name, *args, **kwargs: original(
        name, *args, **{**kwargs, **({"queue": QUEUE} if name == "campaigns.submit" else {})}))
    size = AUDIENCE
    ProviderSetting.objects.create(provider="justcall", rate_limit=100, from_numbers=[FROM])
    group = group_with_members("Customers", size, start=500000000)
    blacklist(BLACKLISTED)
    expected = size - 1
    campaign = campaign_make(marketing_user, groups=[group], provider="justcall", sender=FROM,
                             message="Winter sale -20%", status=S.QUEUED)
    # No worker takes the postbacks queue until the in-doubt count has been read.
    dying = _justcall_worker(justcall_sandbox, live_server, tmp_path / "dying.log",
                             queues=QUEUE, LEASE_SECONDS="3")
    try:
        celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk})
        wait_until(lambda: sum(_sent_per_number(justcall_sandbox).values()) >= 100,
                   timeout=120, interval=0.05)
        logged = len(justcall_sandbox.app.requests_logged(SEND_PATH))  # under its 500
        justcall_sandbox.set_faults(latency_ms=3000)
        # A call the simulator holds: asked after the latency was set, not yet answered.
        # The second lets the answers before it be recorded; it is still 2 s from its own.
        wait_until(lambda: any(entry["status"] is None for entry in
                               justcall_sandbox.app.requests_logged(SEND_PATH)[logged + 1:]),
                   timeout=60, interval=0.02)
        time.sleep(1)
        os.kill(dying.pid, signal.SIGKILL)
        dying.wait(timeout=15)
    finally:
        justcall_sandbox.set_faults()
        _worker_stop(dying)
    killed = list(ProviderCall.objects.filter(campaign=campaign, state=C.RECORDED))
    assert len(killed) == 1 and len(killed[0].recipient_ids) == 1
    lost = killed[0].recipient_ids[0]
    assert Recipient.objects.get(pk=lost).status == R.IN_DOUBT
    assert campaign_in_doubt_count(campaign=campaign) == 0  # on its way: its answer is due
    # JustCall took the held message although nobody heard its answer.
    wait_until(lambda: all(entry["status"] is not None for entry
                           in justcall_sandbox.app.requests_logged(SEND_PATH)), timeout=30)
    sent_before = sum(_sent_per_number(justcall_sandbox).values())
    assert sent_before == ProviderCall.objects.filter(campaign=campaign).count() < expected

    taker = _justcall_worker(justcall_sandbox, live_server, tmp_path / "taker.log",
                             queues=QUEUE, LEASE_SECONDS="3")
    try:
        _taken_over(campaign, timeout=180)
    finally:
        _worker_stop(taker)
    calls = ProviderCall.objects.filter(campaign=campaign)
    assert calls.count() == expected  # one call per recipient, none made twice
    assert list(calls.exclude(state=C.SENT).values_list("pk", "state")) == [
        (killed[0].pk, C.IN_DOUBT)]
    # Counted, and never sent again on its own: only its callbacks may settle it.
    assert campaign_in_doubt_count(campaign=campaign) == 1
    per_number = _sent_per_number(justcall_sandbox)
    assert len(per_number) == expected and set(per_number.values()) == {1}  # 0 sent twice
    assert f"+{BLACKLISTED}" not in per_number

    applier = _justcall_worker(justcall_sandbox, live_server, tmp_path / "applier.log",
                               queues=f"{QUEUE},postbacks")
    try:
        _all_final(justcall_sandbox, campaign, expected)
        assert _final_count(campaign) == expected, applier.log_path.read_text()[-3000:]
    finally:
        _worker_stop(applier)
    assert Recipient.objects.get(pk=lost).status in (R.DELIVERED, R.UNDELIVERED)
    assert campaign_in_doubt_count(campaign=campaign) == 0  # its callbacks settled it
    assert sum(_sent_per_number(justcall_sandbox).values()) == expected  # still once each
