from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import campaign_submit, campaigns_submit_due
from campaigns.services.sending import SUBMIT_TASK
from contacts.models import BlacklistEntry
from tests.campaigns.services.conftest import campaign_make, group_with_members

S = Campaign.Status


@pytest.mark.django_db
def test_a_scheduled_campaign_waits_for_its_time_then_goes_with_todays_blacklist(
        panel_sandbox, sent_tasks, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=1)
    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.SCHEDULED,
                             scheduled_at=at)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_submit_due(now=at - timedelta(seconds=1)) == []
    campaign.refresh_from_db()
    assert campaign.status == S.SCHEDULED and sent_tasks == []
    assert panel_sandbox.requests(path="/api/sender/bulk/send") == []

    # A STOP reply arrives while it waits.
    BlacklistEntry.objects.create(msisdn="48500000001", reason=BlacklistEntry.Reason.STOP_REPLY)
    panel_sandbox.advance(3600)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_submit_due(now=at) == [campaign.pk]
    assert sent_tasks == [(SUBMIT_TASK, campaign.pk)]
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.blacklisted_removed == 1
    [logged] = panel_sandbox.requests(path="/api/sender/bulk/send")
    assert [r["msisdn"] for r in logged["json"]["recipients"]] == ["48500000000", "48500000002"]


@pytest.mark.django_db
def test_no_points_are_charged_before_the_time(panel_sandbox, sent_tasks):
    before = panel_sandbox.state()["balance"]
    campaign_make(groups=[group_with_members("Customers", 3)], status=S.SCHEDULED,
                  scheduled_at=timezone.now() + timedelta(hours=1))
    campaigns_submit_due()
    assert panel_sandbox.state()["balance"] == before


@pytest.mark.django_db
def test_a_stuck_submission_is_enqueued_again(sent_tasks, django_capture_on_commit_callbacks):
    campaign = campaign_make(status=S.SUBMITTING)
    Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_submit_due()
    assert sent_tasks == [(SUBMIT_TASK, campaign.pk)]
