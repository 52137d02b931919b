from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign
from campaigns.services import (
    campaign_cancel,
    campaign_cancel_remote,
    campaign_submit,
    campaigns_poll_in_flight,
)
from campaigns.services.sending import CANCEL_TASK
from tests.campaigns.services.conftest import campaign_make, group_with_members

S = Campaign.Status


def _submitted(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING
    return campaign


@pytest.mark.django_db
def test_a_scheduled_campaign_is_cancelled_locally(marketing_user, sent_tasks):
    campaign = campaign_make(status=S.SCHEDULED, scheduled_at=timezone.now() + timedelta(days=1))
    assert campaign_cancel(campaign=campaign, user=marketing_user).status == S.CANCELLED
    assert sent_tasks == []


@pytest.mark.django_db
def test_a_submitted_campaign_is_cancelled_at_justsend(panel_sandbox, marketing_user, sent_tasks,
                                                       django_capture_on_commit_callbacks):
    campaign = _submitted(panel_sandbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_cancel(campaign=campaign, user=marketing_user).status == S.CANCELLING
    assert sent_tasks == [(CANCEL_TASK, campaign.pk)]
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED
    [delete] = panel_sandbox.requests(path=f"/api/sender/bulk/{campaign.batch_id}")
    assert (delete["method"], delete["status"]) == ("DELETE", 200)


@pytest.mark.django_db
def test_cancelling_twice_ends_in_one_state(panel_sandbox, marketing_user, sent_tasks,
                                            django_capture_on_commit_callbacks):
    campaign = _submitted(panel_sandbox)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_cancel(campaign=campaign, user=marketing_user)
        campaign_cancel(campaign=campaign, user=marketing_user)
    assert sent_tasks == [(CANCEL_TASK, campaign.pk)]
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign_cancel_remote(campaign_id=campaign.pk)  # a duplicate task does nothing
    assert campaign_cancel(campaign=campaign, user=marketing_user).status == S.CANCELLED
    assert len(panel_sandbox.requests(path=f"/api/sender/bulk/{campaign.batch_id}")) == 1


@pytest.mark.django_db
def test_a_finished_bulk_answers_409_and_the_page_says_so(panel_sandbox, marketing_user,
                                                          sent_tasks):
    campaign = _submitted(panel_sandbox)
    panel_sandbox.advance(3600)
    Campaign.objects.filter(pk=campaign.pk).update(status=S.CANCELLING)  # cancel clicked late
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED
    assert "already finished" in campaign.cancel_error
    with pytest.raises(CampaignError, match="already finished"):
        campaign_cancel(campaign=campaign, user=marketing_user)


@pytest.mark.django_db
def test_an_unknown_bulk_answers_404_and_is_explained(panel_sandbox, sent_tasks):
    campaign = campaign_make(status=S.CANCELLING, batch_id="00000000-0000-0000-0000-000000000000")
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.FAILED and "does not know" in campaign.cancel_error


@pytest.mark.django_db
def test_cancel_while_the_submit_task_runs_cancels_the_bulk_it_created(
        panel_sandbox, marketing_user, sent_tasks, django_capture_on_commit_callbacks, monkeypatch):
    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.QUEUED)
    from campaigns.services import sending

    real_send = sending._send

    def send_while_user_cancels(client, claimed):
        # The user clicks cancel after the audience check, while the HTTP call is under way.
        campaign_cancel(campaign=claimed, user=marketing_user)
        return real_send(client, claimed)

    monkeypatch.setattr(sending, "_send", send_while_user_cancels)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLING and campaign.batch_id
    assert sent_tasks == [(CANCEL_TASK, campaign.pk)]
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED
    with panel_sandbox.client() as api:
        assert api.get(f"overview/bulks/{campaign.batch_id}").json()["bulkStatus"] == "CANCELED"


@pytest.mark.django_db
def test_cancel_during_preparation_sends_nothing(panel_sandbox, marketing_user, monkeypatch):
    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.QUEUED)
    from campaigns.services import sending

    real_prepare = sending.audience_prepare

    def prepare_then_cancel(*, campaign):
        result = real_prepare(campaign=campaign)
        campaign_cancel(campaign=campaign, user=marketing_user)
        return result

    monkeypatch.setattr(sending, "audience_prepare", prepare_then_cancel)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED
    assert panel_sandbox.requests(path="/api/sender/bulk/send") == []


@pytest.mark.django_db
def test_polling_follows_a_cancelling_campaign_to_its_end(panel_sandbox, sent_tasks):
    campaign = _submitted(panel_sandbox)
    with panel_sandbox.client() as api:
        api.delete(f"sender/bulk/{campaign.batch_id}")
    Campaign.objects.filter(pk=campaign.pk).update(status=S.CANCELLING)
    assert campaigns_poll_in_flight() == 1
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED
