"""Preview and launch retry a transient error when reading prices and the balance
(issue 12, defect 6): one 429 no longer refuses a launch; the balance task retries too."""

import pytest
from celery.exceptions import Retry

from billing.tasks import account_snapshot_record_task
from campaigns.exceptions import CampaignError
from campaigns.models import Campaign
from campaigns.services import campaign_launch
from campaigns.services.preview import campaign_preview_get
from tests.campaigns.services.conftest import campaign_make, group_with_members

S = Campaign.Status
SUMMARY = "/api/payment/account/summary"


@pytest.fixture
def waits(monkeypatch, panel_sandbox):
    """Record each wait instead of sleeping; the fault clears during the first one."""
    waited = []

    def wait(seconds):
        waited.append(seconds)
        panel_sandbox.set_faults(rate_429=0, rate_500=0)

    monkeypatch.setattr("justsend_panel.sms.retrying._sleep", wait)
    return waited


@pytest.mark.django_db
def test_launch_waits_out_a_429_and_its_retry_after(panel_sandbox, marketing_user, waits,
                                                    django_capture_on_commit_callbacks):
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 2)])
    panel_sandbox.set_faults(rate_429=1, retry_after=2)
    with django_capture_on_commit_callbacks():
        launched = campaign_launch(campaign=campaign, user=marketing_user)
    assert launched.status == S.QUEUED
    assert len(waits) == 1 and waits[0] >= 2  # Retry-After honoured
    assert [r["status"] for r in panel_sandbox.requests(path=SUMMARY)][:2] == [429, 200]


@pytest.mark.django_db
def test_preview_waits_out_a_server_error(panel_sandbox, marketing_user, waits):
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 2)])
    panel_sandbox.set_faults(rate_500=1)
    preview = campaign_preview_get(campaign=campaign)
    assert preview.cost_error is None and preview.can_launch
    assert len(waits) == 1


@pytest.mark.django_db
def test_a_retry_after_beyond_the_budget_gives_up_at_once_with_the_message(
        panel_sandbox, marketing_user, waits, settings):
    settings.JUSTSEND_READ_RETRY_SECONDS = 8
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 2)])
    panel_sandbox.set_faults(rate_429=1, retry_after=30)
    with pytest.raises(CampaignError, match="Could not read the prices and the balance"):
        campaign_launch(campaign=campaign, user=marketing_user)
    assert waits == [] and len(panel_sandbox.requests(path=SUMMARY)) == 1
    campaign.refresh_from_db()
    assert campaign.status == S.DRAFT


@pytest.mark.django_db
def test_the_balance_snapshot_task_retries_a_429_after_its_retry_after(
        panel_sandbox, monkeypatch):
    panel_sandbox.set_faults(rate_429=1, retry_after=7)
    asked = {}

    def retry(*args, exc=None, countdown=None, **kwargs):
        asked.update(exc=exc, countdown=countdown)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(account_snapshot_record_task, "retry", retry)
    result = account_snapshot_record_task.apply(kwargs={"source": "beat"})
    assert result.state == "RETRY"
    assert asked["countdown"] >= 7
    assert type(asked["exc"]).__name__ == "SmsRateLimited"
