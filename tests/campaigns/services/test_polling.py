import pytest

from campaigns.models import Campaign
from campaigns.services import campaign_submit, campaigns_poll_in_flight
from tests.campaigns.services.conftest import campaign_make, group_with_members

S = Campaign.Status


@pytest.mark.django_db
def test_polling_updates_counts_then_finishes(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 4)], status=S.QUEUED,
                             pasted_numbers="48123")  # invalid here, never sent
    campaign_submit(campaign_id=campaign.pk)
    campaigns_poll_in_flight()
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.last_polled_at is not None
    assert campaign.remote_recipients_count == 4 and campaign.invalid_removed == 1
    assert campaign.delivered_count == 0

    panel_sandbox.advance(3600)
    assert campaigns_poll_in_flight() == 1
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED and campaign.finished_at is not None
    assert campaign.sent_count == 4
    assert campaign.delivered_count + campaign.undelivered_count == 4
    assert campaign.charged_points is not None and campaign.charged_points > 0
    assert campaign.bulk_status == "FINISHED"
    assert campaigns_poll_in_flight() == 0  # finished campaigns are not polled again


@pytest.mark.django_db
def test_polling_keeps_invalid_recipients_justsend_reports(panel_sandbox):
    # A number blacklisted in Justsend's own panel, not yet pulled into ours.
    with panel_sandbox.client() as api:
        assert api.post("blacklist/add", params={"country": "POLAND"}, json=["48500000001"]).is_success
    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaigns_poll_in_flight()
    campaign.refresh_from_db()
    assert campaign.remote_invalid_count == 1
    [[msisdn, reason]] = campaign.remote_invalid_recipients
    assert msisdn == "48500000001" and reason


@pytest.mark.django_db
def test_a_bulk_justsend_forgot_fails_the_campaign_with_a_reason(panel_sandbox):
    campaign = campaign_make(status=S.SENDING, batch_id="00000000-0000-0000-0000-000000000000")
    campaigns_poll_in_flight()
    campaign.refresh_from_db()
    assert campaign.status == S.FAILED and "no longer knows" in campaign.failure_reason
