"""SMS.by campaigns through the session sandbox's simulator (over HTTP): mailings
(``personal`` or ``bulk``) named by the call's reference, a lost answer found again by that
name before anything is sent again (or sent once more when SMS.by has no such mailing),
and statuses, cost and parts polled into the campaign."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.selectors import campaign_progress_get
from campaigns.services.provider_polling import campaigns_poll_provider_calls
from campaigns.services.sending import campaign_submit
from justsend_panel.core.models import ProviderSetting
from tests.campaigns.services.conftest import blacklist, campaign_make, group_with_members

pytestmark = pytest.mark.django_db

S = Campaign.Status
R = Recipient.Status
C = ProviderCall.State
ALPHANAME = "123"
FINAL = (R.DELIVERED, R.UNDELIVERED, R.EXPIRED, R.REJECTED)


@pytest.fixture
def smsby(panel_sandbox, settings):
    settings.SMSBY_MAILING_SIZE = 10
    ProviderSetting.objects.create(provider="smsby", rate_limit=1000)
    return panel_sandbox


def smsby_campaign(user, count=25, **fields):
    return campaign_make(user, groups=[group_with_members("Customers", count)], provider="smsby",
                         sender=ALPHANAME, status=S.QUEUED, **fields)


def mailings(sandbox):
    return sandbox.app.smsby.store.all("SELECT * FROM smsby_mailings ORDER BY id")


def sent_numbers(sandbox):
    return [m["phone"] for m in sandbox.smsby_messages().values()]


class Killed(BaseException):
    """The worker dies here (a BaseException: nothing on the way catches it)."""


def kill_at(monkeypatch, *, after_call: bool, on_call: int = 2):
    """Kill the worker at its ``on_call``-th mailing, after SMS.by took it (``after_call``)
    or before it left; the dying worker never releases its lease."""
    from justsend_panel.sms.smsby.backend import SmsByBackend

    original, seen = SmsByBackend.post_payload, []

    def post(self, payload):
        seen.append(payload)
        if len(seen) != on_call:
            return original(self, payload)
        if after_call:
            original(self, payload)
        raise Killed()

    monkeypatch.setattr(SmsByBackend, "post_payload", post)
    monkeypatch.setattr("campaigns.services.provider_sending.lease_release",
                        lambda *args, **kwargs: False)


def killed_at_second_mailing(campaign, monkeypatch, *, after_call: bool) -> ProviderCall:
    """Submit until the worker dies at its second mailing; that mailing's call, recorded."""
    with monkeypatch.context() as dying:
        kill_at(dying, after_call=after_call)
        with pytest.raises(Killed):
            campaign_submit(campaign_id=campaign.pk)
    lost = ProviderCall.objects.get(campaign=campaign, sequence=2)
    assert lost.state == C.RECORDED
    return lost


def take_over(campaign):
    """The dead worker's lease runs out; the sweep's task runs the send again."""
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1))
    campaign_submit(campaign_id=campaign.pk)


def test_one_text_goes_in_bulk_mailings_of_the_configured_size_named_by_reference(
        smsby, marketing_user):
    campaign = smsby_campaign(marketing_user, count=25)
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == S.SENDING
    rows = mailings(smsby)
    assert [(m["message_type"], m["name"], m["alphaname_id"], m["text"]) for m in rows] == [
        ("bulk", f"{campaign.reference}-{n}", 123, "Hello from the panel") for n in (1, 2, 3)]
    calls = list(ProviderCall.objects.filter(campaign=campaign))
    assert [(len(c.recipient_ids), c.state, bool(c.batch_id)) for c in calls] == [
        (10, C.SENT, True), (10, C.SENT, True), (5, C.SENT, True)]
    assert set(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        R.SUBMITTED}
    assert sorted(sent_numbers(smsby)) == sorted(
        Recipient.objects.filter(campaign=campaign).values_list("msisdn", flat=True))


def test_a_personalised_campaign_goes_in_personal_mailings(smsby, marketing_user):
    campaign = smsby_campaign(marketing_user, count=3, bulk_type="PERSONALIZED",
                              message="Hi {name}")
    campaign_submit(campaign_id=campaign.pk)

    (mailing,) = mailings(smsby)
    assert mailing["message_type"] == "personal"
    texts = smsby.app.smsby.store.all("SELECT phone, text FROM smsby_sms ORDER BY id")
    assert [(r["phone"], r["text"]) for r in texts] == [
        ("48500000000", "Hi Name0"), ("48500000001", "Hi Name1"), ("48500000002", "Hi Name2")]


def test_a_mailing_whose_answer_was_lost_is_found_by_name_and_never_sent_twice(
        smsby, marketing_user, monkeypatch):
    """The worker dies after SMS.by took its second mailing, before the answer was
    recorded: the next holder finds it by name in getSMSMessages and sends only the rest."""
    campaign = smsby_campaign(marketing_user, count=25)
    lost = killed_at_second_mailing(campaign, monkeypatch, after_call=True)

    take_over(campaign)

    numbers = sent_numbers(smsby)
    assert len(numbers) == len(set(numbers)) == 25  # 0 duplicates
    assert len(mailings(smsby)) == 3
    lost.refresh_from_db()
    found_id = next(m["id"] for m in mailings(smsby) if m["name"] == lost.reference)
    assert (lost.state, lost.batch_id, lost.attempts) == (C.SENT, f"mailing:{found_id}", 1)
    assert set(Recipient.objects.filter(pk__in=lost.recipient_ids)
               .values_list("status", flat=True)) == {R.SUBMITTED}
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING


def test_a_mailing_sms_by_never_got_is_sent_once_more_under_its_name(
        smsby, marketing_user, monkeypatch):
    """Killed before the second mailing left: SMS.by has no mailing of that name once the
    client's timeout has passed, so it is sent again, once, and every number gets one SMS."""
    campaign = smsby_campaign(marketing_user, count=25)
    lost = killed_at_second_mailing(campaign, monkeypatch, after_call=False)
    # The provider had the client's whole timeout to take it.
    ProviderCall.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    take_over(campaign)

    numbers = sent_numbers(smsby)
    assert len(numbers) == len(set(numbers)) == 25
    assert [m["name"] for m in mailings(smsby)] == [
        f"{campaign.reference}-1", f"{campaign.reference}-2", f"{campaign.reference}-3"]
    lost.refresh_from_db()
    assert (lost.state, lost.attempts) == (C.SENT, 2)


def test_a_mailing_still_not_found_after_its_second_sending_stays_in_doubt(
        smsby, marketing_user, monkeypatch):
    """Sent once more and lost again without trace: never a third time automatically."""
    campaign = smsby_campaign(marketing_user, count=25)
    lost = killed_at_second_mailing(campaign, monkeypatch, after_call=False)
    ProviderCall.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(hours=1), attempts=2)

    take_over(campaign)

    lost.refresh_from_db()
    assert lost.state == C.IN_DOUBT and lost.attempts == 2
    assert set(Recipient.objects.filter(pk__in=lost.recipient_ids)
               .values_list("status", flat=True)) == {R.IN_DOUBT}
    assert len(sent_numbers(smsby)) == 15  # the other two mailings only


def test_polling_applies_statuses_finishes_the_campaign_and_stores_cost_and_parts(
        smsby, marketing_user, marketing_client):
    campaign = smsby_campaign(marketing_user, count=25)
    blacklist("48500000007")
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert (campaign.recipients_count, campaign.blacklisted_removed) == (24, 1)

    smsby.advance(1.5)  # sent, not final yet
    assert campaigns_poll_provider_calls(gap=timedelta(0)) == 1
    assert set(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        R.SENT}
    smsby.advance(600)
    campaigns_poll_provider_calls(gap=timedelta(0))

    statuses = list(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert len(statuses) == 24 and set(statuses) <= set(FINAL)
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED
    assert campaign.delivered_count + campaign.undelivered_count == 24
    calls = list(ProviderCall.objects.filter(campaign=campaign))
    assert [c.parts for c in calls] == [10, 10, 4]
    assert sum(c.cost for c in calls) == Decimal("0.026") * 24
    progress = campaign_progress_get(campaign=campaign)
    assert (progress.provider_parts, progress.provider_batches) == (24, 3)
    page = marketing_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "SMS.by’s cost (3 mailings)" in page
    # SMS.by names no currency and the Providers page sets none: the unit says whose it is.
    assert 'data-count="provider_cost">0.624\u00a0(SMS.by account currency)<' in page
    ProviderSetting.objects.filter(provider="smsby").update(currency="BYN")
    with translation.override("en"):  # the request's Polish stays inside it, not in later tests
        polish = marketing_client.get(f"/campaigns/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert 'data-count="provider_cost">0,624\u00a0BYN<' in polish  # the Providers page's currency
    assert 'data-count="provider_parts">24<' in page
    assert campaigns_poll_provider_calls(gap=timedelta(0)) == 0  # finished: no more polls


def test_two_polls_at_once_poll_a_campaign_once(smsby, marketing_user):
    campaign = smsby_campaign(marketing_user, count=5)
    campaign_submit(campaign_id=campaign.pk)
    assert campaigns_poll_provider_calls() == 1
    assert campaigns_poll_provider_calls() == 0  # within the gap: another poll has it
    requests = [r for r in smsby.requests("/smsby/api/v1/statusBulkSms")]
    assert len(requests) == 1


def test_a_campaign_without_an_alpha_name_fails_before_any_mailing_is_recorded(
        smsby, marketing_user):
    """SMS.by's backend cannot build a mailing without an alpha name: the campaign fails
    with the reason instead of leaving a recorded call that never left, in doubt."""
    campaign = smsby_campaign(marketing_user, count=5)
    Campaign.objects.filter(pk=campaign.pk).update(sender="")
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    assert "alpha name" in campaign.failure_reason
    assert not ProviderCall.objects.filter(campaign=campaign).exists()
    assert mailings(smsby) == []
