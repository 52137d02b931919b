"""Issue 15 point 7: a campaign finishes as soon as every recipient has a final status,
by the postback apply that makes the last one final, not a minute later by a poll."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.models import Campaign
from tests.campaigns.deliveries.conftest import delivery_status, post, send_status, sent_campaign

pytestmark = pytest.mark.django_db
S = Campaign.Status


def test_the_apply_that_makes_the_last_recipient_final_finishes_the_campaign(
        client, django_capture_on_commit_callbacks):
    campaign = sent_campaign(2)
    post(client, delivery_status(campaign, "48500000000"), "delivery-status")
    post(client, send_status(campaign, "48500000001", message_id=2), "send-status")
    postbacks_apply()
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING  # one is only sent: still waiting for its report
    assert campaign.finished_at is None

    post(client, delivery_status(campaign, "48500000001", "MESSAGE_UNDELIVERED", message_id=2),
         "delivery-status")
    with django_capture_on_commit_callbacks() as callbacks:
        postbacks_apply()
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED and campaign.finished_at is not None
    assert len(callbacks) == 1  # Justsend's last figures are read once, after the commit

    finished_at = campaign.finished_at
    # A repeated report finishes nothing twice.
    post(client, delivery_status(campaign, "48500000001", "MESSAGE_UNDELIVERED", message_id=2),
         "delivery-status")
    with django_capture_on_commit_callbacks() as callbacks:
        postbacks_apply()
    campaign.refresh_from_db()
    assert (campaign.status, campaign.finished_at) == (S.FINISHED, finished_at)
    assert callbacks == []


def test_a_campaign_a_cancel_holds_is_left_to_the_cancel(client):
    campaign = sent_campaign(1)
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_token="cancel-worker", lease_expires_at=timezone.now() + timedelta(minutes=1))
    post(client, delivery_status(campaign, "48500000000"), "delivery-status")
    postbacks_apply()
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING


def test_a_cancelling_campaign_is_not_finished_by_postbacks(client):
    campaign = sent_campaign(1)
    Campaign.objects.filter(pk=campaign.pk).update(status=S.CANCELLING)
    post(client, delivery_status(campaign, "48500000000"), "delivery-status")
    postbacks_apply()
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLING


def test_justsends_last_figures_are_read_once_the_postbacks_finished_it(client, panel_sandbox):
    from campaigns.services import campaign_submit
    from campaigns.services.polling import campaign_finished_read
    from tests.campaigns.services.conftest import campaign_make, group_with_members

    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    panel_sandbox.advance(3600)  # Justsend has sent and reported everything
    Campaign.objects.filter(pk=campaign.pk).update(status=S.FINISHED, bulk_status="IN_PROGRESS")
    campaign_finished_read(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.bulk_status == "FINISHED" and campaign.last_polled_at is not None
    assert campaign.charged_points is not None and campaign.sent_count == 2


def test_the_poll_reads_a_campaign_whose_read_task_was_lost(client, panel_sandbox):
    from campaigns.services import campaign_submit
    from campaigns.services.polling import campaigns_poll_in_flight
    from tests.campaigns.services.conftest import campaign_make, group_with_members

    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    panel_sandbox.advance(3600)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=S.FINISHED, bulk_status="IN_PROGRESS", finished_at=timezone.now(),
        last_polled_at=timezone.now() - timedelta(minutes=1))
    assert campaigns_poll_in_flight() == 0  # nothing in flight; the finished one read
    campaign.refresh_from_db()
    assert campaign.bulk_status == "FINISHED" and campaign.last_polled_at > campaign.finished_at
