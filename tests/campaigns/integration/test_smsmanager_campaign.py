"""Issue 16's acceptance: a real worker sends a 1,000-recipient campaign through SMS
Manager's simulator (over HTTP, in recorded calls of 100) with a blacklisted number and a
number that replied STOP in the audience; the simulator's callbacks reach the panel's
``/webhooks/smsmanager/<secret>/`` and every recipient ends final: nobody sent twice, the
blacklisted and the STOP numbers never sent to."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.provider_sending import campaign_in_doubt_count
from campaigns.services.scheduling import campaigns_submit_due
from contacts.models import BlacklistEntry
from justsend_panel.celery import app as celery_app
from justsend_panel.sandbox.server import run_sandbox
from tests.campaigns.services.conftest import blacklist, campaign_make, group_with_members
from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX
from tests.fixtures.worker import _wait_for_line, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = Campaign.Status
R = Recipient.Status
QUEUE = "smsmanager-acceptance"
SECRET = "smsmanager-acceptance-secret-0123456789"
JUSTSEND_SECRET = "justsend-acceptance-secret-0123456789"
AUDIENCE = 1000
BLACKLISTED, STOPPED = "48500000007", "48500000500"
FINAL = (R.DELIVERED, R.UNDELIVERED, R.EXPIRED, R.REJECTED)


@pytest.fixture
def smsmanager_sandbox(tmp_path, live_server, settings):
    """A sandbox (manual clock) and the panel in this process configured for it."""
    with run_sandbox(tmp_dir=tmp_path, clock="manual",
                     delivery_mix=POSTBACK_DELIVERY_MIX) as sandbox:
        settings.JUSTSEND_APP_KEY = ""
        settings.JUSTSEND_SANDBOX = True
        settings.JUSTSEND_SANDBOX_APP_KEY = sandbox.app_key
        settings.JUSTSEND_API_URL = sandbox.api_url
        settings.JUSTSEND_WEBHOOK_SECRET = JUSTSEND_SECRET
        settings.SMSMANAGER_API_KEY = ""
        settings.SMSMANAGER_SANDBOX_API_KEY = sandbox.smsmanager_api_key
        settings.SMSMANAGER_API_URL = sandbox.smsmanager_url
        settings.SMSMANAGER_WEBHOOK_SECRET = SECRET
        settings.PANEL_PUBLIC_URL = live_server.url
        settings.POSTBACK_APPLY_DELAY = 0.2
        yield sandbox


def _worker_start(sandbox, live_server, log_path, *, queues, **extra_env):
    """A real worker on this test's queue configured like the panel: another test's worker,
    pointed elsewhere, never takes this campaign's submission."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "justsend_panel.test_settings",
           "PANEL_TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
           "JUSTSEND_APP_KEY": "", "JUSTSEND_API_URL": sandbox.api_url,
           "JUSTSEND_SANDBOX_APP_KEY": sandbox.app_key,
           "SMSMANAGER_API_KEY": "", "SMSMANAGER_API_URL": sandbox.smsmanager_url,
           "SMSMANAGER_SANDBOX_API_KEY": sandbox.smsmanager_api_key,
           "SMSMANAGER_WEBHOOK_SECRET": SECRET, "PANEL_PUBLIC_URL": live_server.url,
           **extra_env}
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "justsend_panel", "worker", "--pool", "solo",
             "-Q", queues, "--loglevel", "INFO", "--without-mingle", "--without-gossip",
             "--hostname", f"{log_path.stem}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    _wait_for_line(log_path, "ready.", worker, 60)
    worker.log_path = log_path
    return worker


def _worker_stop(worker) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@pytest.fixture
def smsmanager_worker(smsmanager_sandbox, live_server, tmp_path):
    worker = _worker_start(smsmanager_sandbox, live_server, tmp_path / "smsmworker.log",
                           queues=f"{QUEUE},postbacks")
    try:
        yield worker
    finally:
        _worker_stop(worker)


def _taken_over(campaign, *, timeout: float = 120) -> None:
    """Once the dead worker's lease has run out, the sweep hands the campaign to the
    running worker; wait until that one has made every call (the campaign is sending)."""
    wait_until(lambda: Campaign.objects.filter(
        pk=campaign.pk, lease_expires_at__lt=timezone.now()).exists(), timeout=30)
    campaigns_submit_due()  # the sweep
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=timeout)


def _stop_reply(client_url: str, msisdn: str) -> None:
    """A STOP reply arrives as Justsend's incoming postback and blacklists the number."""
    import httpx

    body = {"id": 7, "sender": "4777", "msisdn": msisdn, "operator": "POLAND_PLAY",
            "deliveryTime": int(time.time() * 1000), "prefix": None, "groupId": None,
            "groupName": None, "idMsgContent": None, "message": "STOP", "uuid": "7"}
    answer = httpx.post(f"{client_url}/webhooks/justsend/{JUSTSEND_SECRET}/incoming/",
                        json=body, timeout=30)
    assert answer.status_code == 200
    postbacks_apply()


def _final_count(campaign) -> int:
    return Recipient.objects.filter(campaign=campaign, status__in=FINAL).count()


def test_a_thousand_recipients_through_sms_manager_all_final_from_callbacks(
        smsmanager_sandbox, smsmanager_worker, live_server, marketing_user):
    group = group_with_members("Customers", AUDIENCE, start=500000000)
    blacklist(BLACKLISTED)
    _stop_reply(live_server.url, STOPPED)
    assert BlacklistEntry.objects.filter(msisdn=STOPPED,
                                         reason=BlacklistEntry.Reason.STOP_REPLY).exists()
    campaign = campaign_make(marketing_user, groups=[group], provider="smsmanager",
                             provider_options={"flow": ["sms"]}, message="Winter sale -20%",
                             status=S.QUEUED)
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk}, queue=QUEUE)

    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=180)
    campaign.refresh_from_db()
    assert campaign.recipients_count == AUDIENCE - 2 and campaign.blacklisted_removed == 2
    calls = list(ProviderCall.objects.filter(campaign=campaign))
    assert len(calls) == 10 and {c.state for c in calls} == {ProviderCall.State.SENT}

    _all_final(smsmanager_sandbox, campaign, AUDIENCE - 2)
    assert _final_count(campaign) == AUDIENCE - 2, smsmanager_worker.log_path.read_text()[-3000:]

    numbers = [row[0] for row in smsmanager_sandbox.app.smsmanager.store.all(
        "SELECT phone_number FROM smsm_messages")]
    assert len(numbers) == len(set(numbers)) == AUDIENCE - 2  # 0 sent twice
    assert BLACKLISTED not in numbers and STOPPED not in numbers
    assert campaign_in_doubt_count(campaign=campaign) == 0
    campaign = wait_until(lambda: (c := Campaign.objects.get(pk=campaign.pk)).status
                          == S.FINISHED and c, timeout=60)
    assert campaign.delivered_count + campaign.undelivered_count == AUDIENCE - 2
    assert json.loads(json.dumps(campaign.provider_options)) == {"flow": ["sms"]}


def _all_final(sandbox, campaign, expected: int) -> None:
    """Move the simulator's clock (statuses move, callbacks go) until every recipient is
    final. The control call answers once its callbacks are posted: on a loaded machine
    that can outlast its client's timeout, and the posting goes on regardless."""
    import httpx

    deadline = time.monotonic() + 480
    while _final_count(campaign) < expected and time.monotonic() < deadline:
        try:
            sandbox.advance(120)
        except httpx.TimeoutException:
            pass
        time.sleep(1)


def test_a_worker_killed_mid_call_leaves_the_call_in_doubt_until_its_callbacks_settle_it(
        smsmanager_sandbox, live_server, marketing_user, tmp_path, monkeypatch):
    """SIGKILL while SMS Manager holds the first call (answered after the worker died):
    once the dead worker's lease runs out (LEASE_SECONDS=3) the sweep hands the campaign to
    another worker, which puts that call in doubt and sends only the rest; the simulator's
    callbacks for the lost call then name its recipients and settle them."""
    original = celery_app.send_task
    monkeypatch.setattr(celery_app, "send_task", lambda name, *args, **kwargs: original(
        name, *args, **{**kwargs, **({"queue": QUEUE} if name == "campaigns.submit" else {})}))
    group = group_with_members("Customers", 300, start=500000000)
    campaign = campaign_make(marketing_user, groups=[group], provider="smsmanager",
                             message="Winter sale -20%", status=S.QUEUED)
    smsmanager_sandbox.set_faults(latency_ms=3000)
    dying = _worker_start(smsmanager_sandbox, live_server, tmp_path / "dying.log", queues=QUEUE,
                          LEASE_SECONDS="3")
    try:
        celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk})
        wait_until(lambda: smsmanager_sandbox.app.requests_logged("/smsmanager/v2/messages"),
                   timeout=120, interval=0.05)
        os.kill(dying.pid, signal.SIGKILL)
        dying.wait(timeout=15)
    finally:
        _worker_stop(dying)
    assert [c.state for c in ProviderCall.objects.filter(campaign=campaign)] == [
        ProviderCall.State.RECORDED]
    smsmanager_sandbox.set_faults()
    taker = _worker_start(smsmanager_sandbox, live_server, tmp_path / "taker.log",
                          queues=f"{QUEUE},postbacks", LEASE_SECONDS="3")
    try:
        _taken_over(campaign)
        calls = list(ProviderCall.objects.filter(campaign=campaign))
        assert [c.state for c in calls] == [ProviderCall.State.IN_DOUBT,
                                            ProviderCall.State.SENT, ProviderCall.State.SENT]
        _all_final(smsmanager_sandbox, campaign, 300)
        assert _final_count(campaign) == 300, taker.log_path.read_text()[-3000:]
    finally:
        _worker_stop(taker)
    numbers = [row[0] for row in smsmanager_sandbox.app.smsmanager.store.all(
        "SELECT phone_number FROM smsm_messages")]
    assert len(numbers) == len(set(numbers)) == 300  # the lost call was not sent again
    assert campaign_in_doubt_count(campaign=campaign) == 0  # its callbacks settled it


def test_replies_through_sms_manager_stop_blacklists_and_a_reply_is_kept_on_the_campaign(
        smsmanager_sandbox, smsmanager_worker, live_server, marketing_user):
    """Simulator -> the live panel's /webhooks/smsmanager/<secret>/ -> the worker's apply:
    a STOP reply blacklists the number (reason STOP reply, linked to the reply), a normal
    reply is kept on the campaign, and the blacklist applies to the next campaign."""
    from campaigns.deliveries.models import DeliveryCounts, ProviderNotification, Reply

    group = group_with_members("Customers", 20, start=500000000)
    campaign = campaign_make(marketing_user, groups=[group], provider="smsmanager",
                             message="Winter sale -20%", status=S.QUEUED)
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk}, queue=QUEUE)
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=180)
    stopper, talker = "48500000003", "48500000011"

    smsmanager_sandbox.smsmanager_reply("Stop!", phone_number=stopper)
    smsmanager_sandbox.smsmanager_reply("Is it for the red one too?", phone_number=talker)

    stop = wait_until(lambda: Reply.objects.filter(msisdn=stopper, blacklist_entry__isnull=False)
                      .first(), timeout=120)
    talk = wait_until(lambda: Reply.objects.filter(msisdn=talker).first(), timeout=120)
    assert (stop.campaign_id, stop.is_stop, stop.message) == (campaign.pk, True, "Stop!")
    entry = BlacklistEntry.objects.get(msisdn=stopper)
    assert entry.reason == BlacklistEntry.Reason.STOP_REPLY and stop.blacklist_entry == entry
    assert (talk.campaign_id, talk.is_stop, talk.blacklist_entry) == (campaign.pk, False, None)
    assert not BlacklistEntry.objects.filter(msisdn=talker).exists()
    assert Reply.objects.count() == 2
    assert DeliveryCounts.objects.get(campaign=campaign).replies == 2
    assert set(ProviderNotification.objects.filter(body__contains='"reply"')
               .values_list("state", flat=True)) == {ProviderNotification.State.APPLIED}

    again = campaign_make(marketing_user, groups=[group], provider="smsmanager",
                          message="Last chance", status=S.QUEUED)
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": again.pk}, queue=QUEUE)
    wait_until(lambda: Campaign.objects.get(pk=again.pk).status == S.SENDING, timeout=180)
    again.refresh_from_db()
    assert (again.recipients_count, again.blacklisted_removed) == (19, 1)
