"""End to end over real HTTP: the sandbox posts postbacks to the live panel, a real worker
applies them; a STOP reply from the sandbox blacklists the number."""

import pytest
from django.db.models import F

from campaigns.deliveries.models import Postback, Reply
from campaigns.models import Campaign, Recipient
from campaigns.services import campaign_submit
from contacts.models import BlacklistEntry
from justsend_panel.core.provider import justsend_client
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

    with justsend_client() as client:
        counts = client.get_bulk(uuid=campaign.bulk_uuid).counts
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
