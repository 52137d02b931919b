"""End to end over real HTTP: the sandbox posts postbacks to the live panel, a real worker
applies them; a STOP reply from the sandbox blacklists the number; a reply that cannot be
applied is quarantined without holding the STOP back."""

import json

import httpx
import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from campaigns.deliveries.models import Postback, Reply
from campaigns.models import Campaign, Recipient
from campaigns.services import campaign_submit
from contacts.models import BlacklistEntry
from justsend_panel.core.provider import provider_backend
from tests.campaigns.deliveries.conftest import SECRET, incoming
from tests.campaigns.services.conftest import campaign_make, group_with_members
from tests.fixtures.worker import wait_until

R = Recipient.Status
FINAL = (R.DELIVERED, R.UNDELIVERED, R.EXPIRED, R.REJECTED)


@pytest.mark.django_db(transaction=True)
def test_postbacks_from_the_sandbox_reach_every_recipient_through_a_real_worker(
        posting_sandbox, celery_worker_process):
    group = group_with_members("Customers", 20)
    campaign = campaign_make(groups=[group], variant="ECO_RESP", status=Campaign.Status.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING, campaign.failure_reason

    posting_sandbox.advance(5)  # sent, then every delivery report, posted to the panel
    posting_sandbox.advance(5)
    rows = campaign.recipients.all()
    wait_until(lambda: rows.filter(status__in=FINAL).count() == 20, timeout=60)
    assert not Postback.objects.exclude(state=Postback.State.APPLIED).exists()
    assert Postback.objects.filter(kind="send_status").count() == 20
    assert Postback.objects.filter(kind="delivery_status").count() == 20
    assert not rows.filter(sent_at__isnull=True).exists()
    assert not rows.filter(delivered_at__lt=F("sent_at")).exists()

    with provider_backend("justsend").client() as client:
        counts = client.get_bulk(uuid=campaign.batch_id).counts
    campaign.refresh_from_db()
    assert campaign.sent_count == counts.sent == 20
    assert campaign.delivered_count == counts.delivered == rows.filter(status=R.DELIVERED).count()
    assert rows.filter(status=R.UNDELIVERED).count() == counts.undelivered
    # Undelivered on the campaign is every failure, expired included.
    assert campaign.undelivered_count == 20 - campaign.delivered_count

    # A reply, then a STOP, from the sandbox: kept on the campaign, the number blacklisted.
    posting_sandbox.incoming(msisdn="48500000003", message="Is it still on?")
    posting_sandbox.incoming(msisdn="48500000004", message="Stop")
    wait_until(lambda: Reply.objects.count() == 2, timeout=30)
    stop = Reply.objects.get(msisdn="48500000004")
    assert stop.is_stop and stop.campaign == campaign
    entry = BlacklistEntry.objects.get(msisdn="48500000004")
    assert entry.reason == BlacklistEntry.Reason.STOP_REPLY and stop.blacklist_entry == entry
    assert not Reply.objects.get(msisdn="48500000003").is_stop


@pytest.mark.django_db(transaction=True)
def test_the_campaign_is_finished_when_its_last_postback_is_applied(
        posting_sandbox, celery_worker_process):
    """Issue 15 point 7: no beat runs here, so no poll can finish the campaign; the worker
    that applies the last delivery report does, in the same commit."""
    group = group_with_members("Customers", 5)
    campaign = campaign_make(groups=[group], variant="ECO", status=Campaign.Status.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING, campaign.failure_reason

    posting_sandbox.advance(5)
    posting_sandbox.advance(5)
    applied = Postback.objects.filter(kind="delivery_status", state=Postback.State.APPLIED)
    wait_until(lambda: applied.count() == 5, timeout=60)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED
    assert not campaign.recipients.exclude(status__in=FINAL).exists()
    assert campaign.finished_at is not None and campaign.finished_at >= max(
        applied.values_list("received_at", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_inter_campaign_finishes_with_every_recipient_final(
        posting_sandbox, celery_worker_process):
    """Issue 13 point 4: numbers outside the chosen country used to reach Justsend, be left
    out there and stay "queued" in a finished campaign. They are left out before."""
    campaign = campaign_make(variant="INTER", country="SLOVAKIA", sender="ACME",
                             pasted_numbers="+421905123456\n+421905123457\n+48500100200",
                             status=Campaign.Status.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING, campaign.failure_reason
    assert (campaign.outside_country_removed, campaign.recipients_count) == (1, 2)
    posting_sandbox.advance(5)
    posting_sandbox.advance(5)
    rows = campaign.recipients.all()
    wait_until(lambda: rows.filter(status__in=FINAL).count() == 2, timeout=60)
    assert set(rows.values_list("msisdn", flat=True)) == {"421905123456", "421905123457"}


@pytest.fixture
def replies_refused_from(db):
    """The database refuses a reply from this number, as it would a value no check
    foresaw: the one fault left to inject into a real worker from outside."""
    number = "48500000009"
    table = Reply._meta.db_table
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION test_refuse_reply() RETURNS trigger AS $$ BEGIN"
            f" IF NEW.msisdn = '{number}' THEN RAISE EXCEPTION 'reply refused by the test';"
            " END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER test_refuse_reply BEFORE INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION test_refuse_reply()",
        ]
        drop = [f"DROP TRIGGER IF EXISTS test_refuse_reply ON {table}",
                "DROP FUNCTION IF EXISTS test_refuse_reply()"]
    else:
        create = [f"CREATE TRIGGER test_refuse_reply BEFORE INSERT ON {table}"
                  f" WHEN NEW.msisdn = '{number}'"
                  " BEGIN SELECT RAISE(ABORT, 'reply refused by the test'); END"]
        drop = ["DROP TRIGGER IF EXISTS test_refuse_reply"]

    def lift() -> None:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)

    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        yield number, lift
    finally:
        lift()


@pytest.mark.django_db(transaction=True)
def test_a_reply_with_a_lone_surrogate_and_one_that_fails_never_stop_a_stop(
        live_server, settings, celery_worker_process, replies_refused_from,
        admin_client_panel):
    """Issue 12's check as a user: a reply holding "\\ud800", then a STOP from another
    number, through the webhook over HTTP and a real worker. The STOP blacklists its number;
    the surrogate reply is kept with U+FFFD (its bytes as received kept too); a reply the
    database refuses is quarantined, shown to administrators, and applied again from
    Django admin once the cause is gone."""
    settings.POSTBACK_APPLY_DELAY = 0.2
    settings.STOP_KEYWORDS = ["STOP"]
    refused_number, lift_the_fault = replies_refused_from
    url = f"{live_server.url}/webhooks/justsend/{SECRET}/"
    surrogate = json.dumps(incoming("48500000001", "x\ud800", message_id=1)).encode()
    assert b"\\ud800" in surrogate
    for body in (surrogate,
                 json.dumps(incoming(refused_number, "Hello", message_id=2)).encode(),
                 json.dumps(incoming("48500000004", "STOP", message_id=3)).encode()):
        answer = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 200

    wait_until(lambda: BlacklistEntry.objects.filter(msisdn="48500000004").exists(),
               timeout=30)
    quarantined = wait_until(
        lambda: Postback.objects.filter(state=Postback.State.FAILED).first(), timeout=30)
    assert quarantined.msisdn == refused_number
    assert "reply refused by the test" in quarantined.error and quarantined.attempts == 1
    kept = Reply.objects.get(msisdn="48500000001")
    assert kept.message == "x\ufffd"
    assert bytes(kept.postback.raw_body) == surrogate

    changelist = reverse("admin:campaigns_postback_changelist")
    page = admin_client_panel.get(reverse("core:connection")).content.decode()
    assert "1 postback could not be applied" in page
    assert f"{changelist}?state__exact=failed" in page
    page = admin_client_panel.get(f"{changelist}?state__exact=failed").content.decode()
    assert "reply refused by the test" in page

    lift_the_fault()
    admin_client_panel.post(changelist, {"action": "reapply",
                                         "_selected_action": [quarantined.pk]})
    wait_until(lambda: Reply.objects.filter(msisdn=refused_number).exists(), timeout=30)
    quarantined.refresh_from_db()
    assert (quarantined.state, quarantined.error) == (Postback.State.APPLIED, "")
