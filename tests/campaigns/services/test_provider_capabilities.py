"""Issue 16: the Justsend campaign path asks the campaign's own provider for what it uses
(cancel, reading a batch back) instead of assuming Justsend: a provider without it is
refused with a message, and no call is made."""

import pytest

from campaigns.models import Campaign
from campaigns.services import campaign_cancel_remote, campaign_submit, campaigns_poll_in_flight
from tests.campaigns.services.conftest import campaign_make, group_with_members
from tests.fixtures.providers import capabilities_withdraw

pytestmark = pytest.mark.django_db

S = Campaign.Status


def _sending(panel_sandbox) -> Campaign:
    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.provider == "justsend"
    return campaign


def test_a_provider_without_cancel_keeps_the_campaign_sending_and_says_why(
    panel_sandbox, monkeypatch
):
    campaign = _sending(panel_sandbox)
    Campaign.objects.filter(pk=campaign.pk).update(status=S.CANCELLING)
    capabilities_withdraw(monkeypatch, "justsend", "cancel")
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING
    assert campaign.cancel_error == (
        "The campaign could not be cancelled: Justsend does not offer cancelling a sent batch.")
    assert panel_sandbox.requests(path=f"/api/sender/bulk/{campaign.batch_id}") == []


def test_a_provider_without_polling_is_not_polled(panel_sandbox, monkeypatch):
    campaign = _sending(panel_sandbox)
    capabilities_withdraw(monkeypatch, "justsend", "delivery_polling")
    panel_sandbox.advance(3600)
    assert campaigns_poll_in_flight() == 1  # counted, not read
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.last_polled_at is None
    assert panel_sandbox.requests(path="/api/overview/bulks") == []
