"""A cancelled campaign is reconciled (issue 12, defect 7): the bulk is read once more,
every recipient ends in a final state, and the page shows what Justsend charged and
refunded. A failed campaign's recipients end in a final state too."""

import pytest
from django.urls import reverse

from campaigns.deliveries.models import Postback
from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.models import Campaign, Recipient
from campaigns.services import campaign_submit
from campaigns.services.cancelling import campaign_cancel, campaign_cancel_remote
from tests.campaigns.services.conftest import campaign_make, group_with_members
from tests.fixtures.worker import wait_until

S = Campaign.Status
R = Recipient.Status
FINAL = {R.DELIVERED, R.UNDELIVERED, R.EXPIRED, R.REJECTED, R.CANCELLED}


def _bulk(sandbox, uuid):
    with sandbox.client() as api:
        return api.get(f"overview/bulks/{uuid}").json()


def _postbacks_applied(expected: int) -> None:
    wait_until(lambda: Postback.objects.count() >= expected, timeout=90)
    postbacks_apply(budget_seconds=30)


@pytest.mark.django_db(transaction=True)
def test_cancel_mid_send_leaves_every_recipient_final_with_justsends_counts(
        posting_sandbox, marketing_user, client):
    campaign = campaign_make(groups=[group_with_members("Customers", 20)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING, campaign.failure_reason
    posting_sandbox.advance(2)  # started after 1 s, half way through its 2 s of sending
    sent = _bulk(posting_sandbox, campaign.batch_id)["sentCount"]
    assert 0 < sent < 20

    campaign_cancel(campaign=campaign, user=marketing_user)
    campaign_cancel_remote(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED
    # The send-status postbacks of the sent part may arrive after the cancel: they win.
    posting_sandbox.advance(5)  # and every delivery report of the sent part
    _postbacks_applied(2 * sent)

    bulk = _bulk(posting_sandbox, campaign.batch_id)
    rows = campaign.recipients.all()
    assert set(rows.values_list("status", flat=True)) <= FINAL
    assert rows.filter(status=R.CANCELLED).count() == bulk["notSentCount"] == 20 - sent
    assert rows.exclude(status=R.CANCELLED).count() == bulk["sentCount"] == sent
    campaign.refresh_from_db()
    assert campaign.not_sent_count == bulk["notSentCount"]
    assert campaign.sent_count == bulk["sentCount"]
    assert campaign.charged_points == pytest.approx(bulk["chargedPoints"])
    refunded = bulk["bulkCostInPoints"] - bulk["chargedPoints"]
    assert refunded > 0 and campaign.refunded_points == pytest.approx(refunded)
    assert campaign.cost is not None

    client.force_login(marketing_user)
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-count="refunded_points"' in page and 'data-count="not_sent">' in page
    assert f'data-count="not_sent">{20 - sent}<' in page


@pytest.mark.django_db
def test_recipients_of_a_refused_campaign_are_failed_not_queued(panel_sandbox):
    panel_sandbox.set_balance(balance=0, promo=0)  # Justsend answers 400
    campaign = campaign_make(groups=[group_with_members("Customers", 4)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    assert list(campaign.recipients.values_list("status", flat=True)) == [R.FAILED] * 4
    assert campaign.not_sent_count == 4


@pytest.mark.django_db
def test_recipients_of_a_bulk_justsend_rejected_are_failed(panel_sandbox):
    from campaigns.services import campaigns_poll_in_flight

    campaign = campaign_make(groups=[group_with_members("Customers", 3)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    with panel_sandbox.client() as api:
        api.delete(f"sender/bulk/{Campaign.objects.get(pk=campaign.pk).batch_id}")
    Campaign.objects.filter(pk=campaign.pk).update(status=S.CANCELLING)
    campaigns_poll_in_flight()  # Justsend says CANCELED: the campaign is cancelled
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED
    assert set(campaign.recipients.values_list("status", flat=True)) == {R.CANCELLED}


@pytest.mark.django_db
def test_a_late_send_report_moves_a_cancelled_recipient_forward():
    from campaigns.deliveries.services.applying import RANK

    assert RANK[R.SUBMITTED] < RANK[R.CANCELLED] < RANK[R.SENT]
    assert RANK[R.SUBMITTED] < RANK[R.FAILED] < RANK[R.SENT]
