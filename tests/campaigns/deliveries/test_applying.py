"""Applying stored postbacks: forward only, out of order, unknown messages, counters, batches."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from campaigns.deliveries.models import DeliveryCounts, Postback
from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.models import Campaign, Recipient
from tests.campaigns.deliveries.conftest import (
    BASE_MS, delivery_status, post, send_status, sent_campaign,
)

pytestmark = pytest.mark.django_db
R = Recipient.Status


def _recipient(campaign, msisdn="48500000000") -> Recipient:
    return Recipient.objects.get(campaign=campaign, msisdn=msisdn)


def test_send_then_delivery_moves_the_recipient_and_the_counters(client):
    campaign = sent_campaign(2)
    post(client, send_status(campaign, "48500000000", message_id=11), "send-status")
    post(client, send_status(campaign, "48500000001", message_id=12), "send-status")
    result = postbacks_apply()
    assert result.applied == 2
    row = _recipient(campaign)
    assert row.status == R.SENT
    assert row.sent_at == datetime.fromtimestamp(BASE_MS / 1000, tz=UTC)
    assert row.operator == "POLAND_PLAY" and row.message_id == "11"
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count) == (2, 0)

    post(client, delivery_status(campaign, "48500000000", message_id=11), "delivery-status")
    post(client, delivery_status(campaign, "48500000001", "MESSAGE_EXPIRED", message_id=12),
         "delivery-status")
    postbacks_apply()
    row.refresh_from_db()
    assert row.status == R.DELIVERED and row.status_code == "MESSAGE_DELIVERED"
    assert row.delivered_at == datetime.fromtimestamp((BASE_MS + 5000) / 1000, tz=UTC)
    assert _recipient(campaign, "48500000001").status == R.EXPIRED
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count, campaign.undelivered_count) == (2, 1, 1)
    counts = DeliveryCounts.objects.get(campaign=campaign)
    assert (counts.sent, counts.delivered, counts.expired, counts.undelivered) == (2, 1, 1, 0)
    assert set(Postback.objects.values_list("state", flat=True)) == {Postback.State.APPLIED}
    assert not Postback.objects.filter(applied_at__isnull=True).exists()


@pytest.mark.parametrize("together", [True, False], ids=["same batch", "separate batches"])
def test_delivered_before_sent_ends_delivered_and_a_late_sent_changes_no_status(client, together):
    campaign = sent_campaign(1)
    post(client, delivery_status(campaign, "48500000000"), "delivery-status")
    if not together:
        postbacks_apply()
    post(client, send_status(campaign, "48500000000"), "send-status")
    postbacks_apply()
    row = _recipient(campaign)
    assert row.status == R.DELIVERED
    # The late send status only fills the send time the row did not have yet.
    assert row.sent_at == datetime.fromtimestamp(BASE_MS / 1000, tz=UTC)
    assert row.delivered_at == datetime.fromtimestamp((BASE_MS + 5000) / 1000, tz=UTC)
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count) == (1, 1)  # counted once


def test_a_final_state_is_never_overwritten_by_another_report(client):
    campaign = sent_campaign(1)
    post(client, send_status(campaign, "48500000000"))
    post(client, delivery_status(campaign, "48500000000", "MESSAGE_UNDELIVERED"))
    postbacks_apply()
    post(client, delivery_status(campaign, "48500000000", "MESSAGE_DELIVERED", at_ms=BASE_MS + 9000))
    post(client, send_status(campaign, "48500000000", at_ms=BASE_MS + 10_000))
    postbacks_apply()
    row = _recipient(campaign)
    assert row.status == R.UNDELIVERED and row.status_code == "MESSAGE_UNDELIVERED"
    assert row.sent_at == datetime.fromtimestamp(BASE_MS / 1000, tz=UTC)
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count, campaign.undelivered_count) == (1, 0, 1)


def test_an_unknown_outcome_is_kept_as_text_and_waits_for_a_known_one(client):
    campaign = sent_campaign(1)
    post(client, delivery_status(campaign, "48500000000", "MESSAGE_BOUNCED_SOMEHOW"))
    postbacks_apply()
    row = _recipient(campaign)
    assert row.status == R.QUEUED and row.status_code == "MESSAGE_BOUNCED_SOMEHOW"
    post(client, delivery_status(campaign, "48500000000", "MESSAGE_DELIVERED"))
    postbacks_apply()
    row.refresh_from_db()
    assert row.status == R.DELIVERED


def test_events_for_an_unknown_bulk_wait_and_apply_once_the_campaign_knows_it(client):
    campaign = sent_campaign(1, batch_id="later-uuid")
    Campaign.objects.filter(pk=campaign.pk).update(batch_id="")  # submission not recorded yet
    post(client, send_status(campaign, "48500000000"))
    post(client, delivery_status(campaign, "48500000000"))
    result = postbacks_apply()
    assert result.waiting == 2 and result.applied == 0
    assert set(Postback.objects.values_list("state", flat=True)) == {Postback.State.WAITING}
    assert _recipient(campaign).status == R.QUEUED

    Campaign.objects.filter(pk=campaign.pk).update(batch_id="later-uuid")
    result = postbacks_apply()
    assert result.applied == 2
    assert _recipient(campaign).status == R.DELIVERED


def test_a_known_bulk_without_that_number_is_kept_as_unmatched(client):
    campaign = sent_campaign(1)
    post(client, send_status(campaign, "48999999999"))
    result = postbacks_apply()
    assert result.unmatched == 1
    postback = Postback.objects.get()
    assert postback.state == Postback.State.UNMATCHED and postback.msisdn == "48999999999"


def test_waiting_postbacks_give_up_after_the_configured_days(client, settings):
    settings.POSTBACK_WAIT_DAYS = 2
    post(client, {"id": 5, "msisdn": "48500000000", "uuid": "single-message-uuid"})
    postbacks_apply()
    Postback.objects.update(received_at=timezone.now() - timezone.timedelta(days=3))
    postbacks_apply()
    postback = Postback.objects.get()
    assert postback.state == Postback.State.UNMATCHED and "2 days" in postback.error


def test_a_recipient_known_by_message_id_is_matched_without_its_bulk(client):
    campaign = sent_campaign(1)
    Recipient.objects.filter(campaign=campaign).update(message_id="77")
    post(client, {**delivery_status(campaign, "48500000000", message_id=77), "uuid": None})
    postbacks_apply()
    assert _recipient(campaign).status == R.DELIVERED


def test_polling_never_lowers_what_postbacks_counted_and_raises_what_they_missed(
        client, panel_sandbox):
    from campaigns.services import campaign_submit
    from campaigns.services.polling import campaign_poll
    from justsend_panel.core.provider import provider_backend
    from tests.campaigns.services.conftest import campaign_make, group_with_members

    group = group_with_members("Customers", 3)
    campaign = campaign_make(groups=[group], status=Campaign.Status.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING and campaign.batch_id
    # Two of three final: the third keeps the campaign sending (and polled).
    for i in range(2):
        post(client, delivery_status(campaign, f"4850000000{i}", "MESSAGE_EXPIRED", message_id=i))
    postbacks_apply()
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.undelivered_count) == (2, 2)

    with provider_backend("justsend").client() as justsend:  # the sandbox has sent nothing yet: all zero
        campaign_poll(campaign_id=campaign.pk, client=justsend)
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.undelivered_count) == (2, 2)
    assert campaign.last_polled_at is not None

    Campaign.objects.filter(pk=campaign.pk).update(sent_count=0)  # as if postbacks were lost
    panel_sandbox.advance(3600)  # now Justsend has sent everything
    with provider_backend("justsend").client() as justsend:
        campaign_poll(campaign_id=campaign.pk, client=justsend)
    campaign.refresh_from_db()
    assert campaign.sent_count == 3


def test_a_batch_of_many_events_takes_a_constant_number_of_queries(
        client, django_assert_max_num_queries, settings):
    settings.POSTBACK_APPLY_BATCH = 1000
    campaign = sent_campaign(600)
    for i in range(600):
        post(client, send_status(campaign, f"48{500000000 + i}", message_id=i))
        if i % 2:
            post(client, delivery_status(campaign, f"48{500000000 + i}", message_id=i))
    assert Postback.objects.count() == 900
    # Read, parse, match (2), write (2 bulk_update of 500), mark, counters: not 900 writes.
    with django_assert_max_num_queries(20):
        result = postbacks_apply()
    assert result.applied == 900
    assert Recipient.objects.filter(campaign=campaign, status=R.DELIVERED).count() == 300
    assert Recipient.objects.filter(campaign=campaign, status=R.SENT).count() == 300
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count) == (600, 300)


def test_a_batch_limit_leaves_the_rest_for_the_next_batch(client):
    campaign = sent_campaign(5)
    for i in range(5):
        post(client, send_status(campaign, f"48{500000000 + i}", message_id=i))
    result = postbacks_apply(limit=2, budget_seconds=0)
    assert result.read == 2 and result.more
    assert Postback.objects.filter(state=Postback.State.PENDING).count() == 3
    result = postbacks_apply(limit=2)
    assert result.applied == 3 and not result.more
