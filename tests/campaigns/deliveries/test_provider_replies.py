"""Replies in SMS Manager's notifications become replies like Justsend's: linked to the
campaign of the recipient the echoed ``payload`` names (else by number and the latest
SMS Manager campaign), STOP blacklists the number, kept once, quarantined alone."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.deliveries.models import DeliveryCounts, ProviderNotification, Reply
from campaigns.deliveries.services import replies as replies_module
from campaigns.deliveries.services.statuses import (
    provider_notification_receive,
    provider_notifications_apply,
    provider_notifications_reapply,
)
from campaigns.models import Campaign, Recipient
from contacts.models import BlacklistEntry
from tests.campaigns.deliveries.conftest import sent_campaign

pytestmark = pytest.mark.django_db

N = ProviderNotification.State
NUMBER = "48500000001"


def smsmanager_campaign(count: int = 3, *, hours_ago: float = 1) -> Campaign:
    """An SMS Manager campaign being sent to 48500000000, 48500000001, …"""
    campaign = Campaign.objects.create(
        name="Winter sale", message="Sale today", provider="smsmanager",
        status=Campaign.Status.SENDING, recipients_count=count,
        submitted_at=timezone.now() - timedelta(hours=hours_ago))
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"48{500000000 + i}", message_id=f"m{campaign.pk}-{i}")
        for i in range(count))
    return campaign


def reply_body(text: str, *, msisdn: str = NUMBER, recipients=(), index: int | None = None,
               **extra) -> dict:
    """A reply as the simulator sends it: the answered request's payload echoed."""
    body = {"type": "reply", "phone_number": msisdn, "text": text, **extra}
    if recipients:
        body["payload"] = {"refs": [str(r.pk) for r in recipients]}
        body["message_id"] = f"req-{index}"
    return body


def receive(body) -> ProviderNotification:
    """Stored as the webhook stores it; the row that holds the body."""
    raw = json.dumps(body).encode()
    provider_notification_receive(provider="smsmanager", body=raw,
                                  headers={"Content-Type": "application/json"})
    return ProviderNotification.objects.get(body=raw.decode())


def recipients(campaign: Campaign) -> list[Recipient]:
    return list(campaign.recipients.order_by("pk"))


def test_a_stop_reply_naming_its_recipient_blacklists_the_number_and_counts_on_its_campaign():
    answered = smsmanager_campaign()
    later = smsmanager_campaign(hours_ago=0.5)  # also sent to the number, later
    receive(reply_body("Stop!", recipients=recipients(answered), index=1))

    result = provider_notifications_apply()

    [reply] = Reply.objects.all()
    assert (reply.campaign, reply.msisdn, reply.message, reply.is_stop) \
        == (answered, NUMBER, "Stop!", True)
    assert reply.campaign != later
    entry = BlacklistEntry.objects.get(msisdn=NUMBER)
    assert entry.reason == BlacklistEntry.Reason.STOP_REPLY and "Stop!" in entry.note
    assert reply.blacklist_entry == entry
    assert DeliveryCounts.objects.get(campaign=answered).replies == 1
    assert not DeliveryCounts.objects.filter(campaign=later, replies__gt=0).exists()
    notification = ProviderNotification.objects.get()
    assert notification.state == N.APPLIED and reply.notification == notification
    assert (result.applied, result.replies) == (1, 1)


def test_a_reply_without_a_payload_answers_the_latest_sms_manager_campaign_before_it():
    older = smsmanager_campaign(hours_ago=3)
    latest = smsmanager_campaign(hours_ago=2)
    smsmanager_campaign(hours_ago=-1)  # submitted after the reply came
    sent_campaign(3, variant="ECO_RESP")  # Justsend's reply campaign, to the same number
    receive(reply_body("Yes, I want it"))

    provider_notifications_apply()

    [reply] = Reply.objects.all()
    assert reply.campaign == latest and reply.campaign != older
    assert not reply.is_stop and reply.blacklist_entry is None
    assert not BlacklistEntry.objects.exists()
    assert DeliveryCounts.objects.get(campaign=latest).replies == 1


def test_a_payload_naming_another_number_or_provider_falls_back_to_the_number():
    campaign = smsmanager_campaign()
    justsend = sent_campaign(3, variant="ECO_RESP", start=500000000)
    # The echoed reference names a recipient of another number: trusted only with the number.
    receive(reply_body("Hello", recipients=recipients(campaign), index=2))
    # A Justsend recipient's pk echoed by SMS Manager does not make it a Justsend reply.
    receive(reply_body("Hi", recipients=recipients(justsend), index=1, timestamp=1))

    provider_notifications_apply()

    assert sorted(Reply.objects.values_list("message", "campaign")) \
        == [("Hello", campaign.pk), ("Hi", None)]  # "Hi" came in 1970, before any campaign
    assert ProviderNotification.objects.filter(state=N.APPLIED).count() == 2


def test_the_same_reply_twice_or_applied_again_is_kept_once():
    campaign = smsmanager_campaign()
    body = [reply_body("STOP", recipients=recipients(campaign), index=1),
            reply_body("Thanks", msisdn="48500000002", recipients=recipients(campaign), index=2)]
    stored = receive(body)
    assert receive(body) == stored  # SMS Manager posting it again: stored once
    assert ProviderNotification.objects.count() == 1
    provider_notifications_apply()
    # An administrator applies it again (e.g. after a quarantine of the batch it was in).
    ProviderNotification.objects.filter(pk=stored.pk).update(state=N.FAILED)
    assert provider_notifications_reapply(ids=[stored.pk]) == 1
    result = provider_notifications_apply()

    assert result.replies == 0
    assert sorted(Reply.objects.values_list("msisdn", "notification_index")) \
        == [(NUMBER, 0), ("48500000002", 1)]
    assert DeliveryCounts.objects.get(campaign=campaign).replies == 2
    assert BlacklistEntry.objects.filter(msisdn=NUMBER).count() == 1
    assert ProviderNotification.objects.get().state == N.APPLIED


def test_a_reply_that_cannot_be_applied_is_quarantined_and_holds_nothing_back(monkeypatch):
    campaign = smsmanager_campaign(5)
    real = replies_module.reply_stop_apply

    def stop_apply(*, reply):
        if reply.msisdn == "48500000003":
            raise RuntimeError("blacklist unavailable")
        return real(reply=reply)

    monkeypatch.setattr(replies_module, "reply_stop_apply", stop_apply)
    rows = recipients(campaign)
    bad = receive(reply_body("STOP", msisdn="48500000003", recipients=rows, index=3))
    for index in (1, 2, 4):
        receive(reply_body("STOP", msisdn=f"4850000000{index}", recipients=rows, index=index))
    status = receive({"message_id": rows[0].message_id, "status": "delivered",
                      "payload": {"refs": [str(rows[0].pk)]}})

    result = provider_notifications_apply()

    bad.refresh_from_db()
    assert bad.state == N.FAILED and "blacklist unavailable" in bad.error
    assert (result.failed, result.applied, result.replies) == (1, 4, 3)
    assert sorted(Reply.objects.values_list("msisdn", flat=True)) \
        == ["48500000001", "48500000002", "48500000004"]
    assert set(BlacklistEntry.objects.values_list("msisdn", flat=True)) \
        == {"48500000001", "48500000002", "48500000004"}
    assert ProviderNotification.objects.get(pk=status.pk).state == N.APPLIED
    assert Recipient.objects.get(pk=rows[0].pk).status == Recipient.Status.DELIVERED

    monkeypatch.setattr(replies_module, "reply_stop_apply", real)
    provider_notifications_reapply(ids=[bad.pk])
    provider_notifications_apply()
    assert BlacklistEntry.objects.filter(msisdn="48500000003").exists()
    assert Reply.objects.filter(msisdn="48500000003").count() == 1
