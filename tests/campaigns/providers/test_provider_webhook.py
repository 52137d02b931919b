"""``/webhooks/<provider>/<secret>/``: stored as received, applied in batches by the
apply task, forward-only, settling in-doubt recipients; quarantine; 404s."""

import json
import logging

import pytest
from django.urls import reverse

from campaigns.deliveries.models import ProviderNotification
from campaigns.deliveries.services import statuses as statuses_module
from campaigns.deliveries.services.statuses import provider_notifications_apply
from campaigns.deliveries.tasks import postbacks_apply_task
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.provider_sending import campaign_in_doubt_count
from campaigns.services.sending import campaign_submit
from justsend_panel.sms.exceptions import SmsTimeoutError
from tests.campaigns.providers.conftest import SECRET
from tests.campaigns.providers.test_provider_sending import fake_campaign

pytestmark = pytest.mark.django_db

S = Campaign.Status
R = Recipient.Status
N = ProviderNotification.State


def post(client, events, *, secret=SECRET, provider="fakeprov"):
    return client.post(f"/webhooks/{provider}/{secret}/", data=json.dumps({"events": events}),
                       content_type="application/json")


def sent_campaign(user, fake, count=20, script=()):
    campaign = fake_campaign(user, count=count)
    fake.script = list(script)
    try:
        campaign_submit(campaign_id=campaign.pk)
    except SmsTimeoutError:
        campaign_submit(campaign_id=campaign.pk)
    return campaign


def rows(campaign):
    return list(Recipient.objects.filter(campaign=campaign).order_by("pk"))


def test_the_route_is_named_and_the_justsend_url_is_unchanged():
    assert reverse("provider_webhook", kwargs={"provider": "fakeprov", "secret": "x"}) \
        == "/webhooks/fakeprov/x/"
    assert reverse("justsend_webhook", kwargs={"secret": "x"}) == "/webhooks/justsend/x/"


def test_a_notification_is_stored_as_received_then_applied_by_the_apply_task(
        client, fake_provider, marketing_user):
    campaign = sent_campaign(marketing_user, fake_provider)
    first, second = rows(campaign)[:2]
    answer = post(client, [{"ref": str(first.pk), "status": "delivered"},
                           {"id": second.message_id, "status": "sent"}])
    assert answer.status_code == 200
    stored = ProviderNotification.objects.get()
    assert stored.state == N.PENDING and stored.provider == "fakeprov"
    assert json.loads(stored.body)["events"][0]["ref"] == str(first.pk)
    assert stored.headers["Content-Type"] == "application/json"
    assert post(client, [{"ref": str(first.pk), "status": "delivered"},
                         {"id": second.message_id, "status": "sent"}]).status_code == 200
    assert ProviderNotification.objects.count() == 1  # the same body twice, stored once

    postbacks_apply_task()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (R.DELIVERED, R.SENT)
    assert first.delivered_at is not None and second.sent_at is not None
    assert ProviderNotification.objects.get().state == N.APPLIED
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count) == (2, 1)


def test_an_event_naming_an_in_doubt_recipient_settles_it(client, fake_provider, marketing_user):
    campaign = sent_campaign(marketing_user, fake_provider, script=[SmsTimeoutError()])
    doubtful = ProviderCall.objects.get(campaign=campaign, sequence=1).recipient_ids
    assert campaign_in_doubt_count(campaign=campaign) == 10

    post(client, [{"ref": str(pk), "status": "delivered"} for pk in doubtful[:4]]
         + [{"ref": str(doubtful[4]), "status": "queued"}])
    provider_notifications_apply()

    assert campaign_in_doubt_count(campaign=campaign) == 5
    settled = Recipient.objects.filter(pk__in=doubtful[:5]).order_by("pk")
    assert [r.status for r in settled] == [R.DELIVERED] * 4 + [R.SUBMITTED]


def test_statuses_only_move_forward(client, fake_provider, marketing_user):
    campaign = sent_campaign(marketing_user, fake_provider)
    recipient = rows(campaign)[0]
    ref = str(recipient.pk)
    for events in ([{"ref": ref, "status": "delivered"}], [{"ref": ref, "status": "sent"}],
                   [{"ref": ref, "status": "undelivered"}], [{"ref": ref, "status": "queued"}],
                   [{"ref": ref, "status": "no-such-status"}]):
        post(client, events)
        provider_notifications_apply()
    recipient.refresh_from_db()
    assert recipient.status == R.DELIVERED and recipient.status_code == "delivered"
    assert recipient.sent_at is not None  # the late "sent" fills in the send time only
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count, campaign.undelivered_count) == (1, 1, 0)


def test_a_campaign_finishes_when_every_recipient_is_final(client, fake_provider, marketing_user):
    campaign = sent_campaign(marketing_user, fake_provider, count=12)
    post(client, [{"ref": str(r.pk), "status": "delivered" if i % 2 else "expired"}
                  for i, r in enumerate(rows(campaign))])
    provider_notifications_apply()
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED
    assert (campaign.delivered_count, campaign.undelivered_count) == (6, 6)


def test_a_body_that_cannot_be_parsed_or_applied_is_quarantined_and_holds_nothing_back(
        client, fake_provider, marketing_user, monkeypatch):
    campaign = sent_campaign(marketing_user, fake_provider)
    good, poison = rows(campaign)[:2]
    client.post(f"/webhooks/fakeprov/{SECRET}/", data=b"not json", content_type="text/plain")
    post(client, [{"ref": str(poison.pk), "status": "delivered"}])
    post(client, [{"ref": str(good.pk), "status": "delivered"}])
    post(client, [{"ref": "999999999", "status": "delivered"}])
    real = statuses_module.status_event_advance

    def advance(recipient, event, **kwargs):
        if recipient.pk == poison.pk:
            raise RuntimeError("cannot apply this one")
        return real(recipient, event, **kwargs)

    monkeypatch.setattr(statuses_module, "status_event_advance", advance)
    result = provider_notifications_apply()

    assert (result.applied, result.malformed, result.failed, result.unmatched) == (1, 1, 1, 1)
    malformed = ProviderNotification.objects.get(state=N.MALFORMED)
    assert "JSONDecodeError" in malformed.error and malformed.body == "not json"
    failed = ProviderNotification.objects.get(state=N.FAILED)
    assert "cannot apply this one" in failed.error and failed.attempts == 1
    good.refresh_from_db()
    poison.refresh_from_db()
    assert (good.status, poison.status) == (R.DELIVERED, R.SUBMITTED)


def test_an_event_for_another_providers_recipient_moves_nothing(
        client, fake_provider, marketing_user):
    from tests.campaigns.services.conftest import campaign_make, group_with_members

    justsend = campaign_make(marketing_user, groups=[group_with_members("Other", 1, start=1)],
                             status=S.SENDING)
    Recipient.objects.create(campaign=justsend, msisdn="48000000001", status=R.SENT)
    other = Recipient.objects.get(campaign=justsend)
    post(client, [{"ref": str(other.pk), "status": "delivered"}])
    provider_notifications_apply()
    other.refresh_from_db()
    assert other.status == R.SENT
    assert ProviderNotification.objects.get().state == N.UNMATCHED


@pytest.mark.parametrize("provider, secret", [
    ("fakeprov", "wrong-secret"), ("nosuchprovider", SECRET), ("fakeprov", ""),
])
def test_an_unknown_provider_or_a_wrong_secret_is_a_404_logged_without_the_secret(
        client, fake_provider, caplog, provider, secret):
    caplog.set_level(logging.WARNING)
    url = f"/webhooks/{provider}/{secret or 'x'}/"
    answer = client.post(url, data=b"{}", content_type="application/json")
    assert answer.status_code == 404
    assert ProviderNotification.objects.count() == 0
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Webhook refused" in logged
    assert SECRET not in logged and "wrong-secret" not in logged


def test_no_secret_configured_means_no_webhook(client, fake_provider, settings):
    settings.FAKEPROV_WEBHOOK_SECRET = ""
    assert client.post("/webhooks/fakeprov//", data=b"{}",
                       content_type="application/json").status_code == 404
    assert client.post(f"/webhooks/fakeprov/{SECRET}/", data=b"{}",
                       content_type="application/json").status_code == 404


def test_the_webhook_takes_only_post(client, fake_provider):
    assert client.get(f"/webhooks/fakeprov/{SECRET}/").status_code == 405


def test_django_admin_applies_a_quarantined_notification_again(
        admin_client_panel, client, fake_provider, marketing_user, monkeypatch):
    campaign = sent_campaign(marketing_user, fake_provider, count=3)
    recipient = rows(campaign)[0]
    post(client, [{"ref": str(recipient.pk), "status": "delivered"}])
    with monkeypatch.context() as failing:
        failing.setattr(statuses_module, "status_event_advance", lambda *args, **kwargs: 1 / 0)
        provider_notifications_apply()
    stored = ProviderNotification.objects.get()
    assert stored.state == N.FAILED and "ZeroDivisionError" in stored.error

    answer = admin_client_panel.post(
        reverse("admin:campaigns_providernotification_changelist"),
        {"action": "reapply", "_selected_action": [stored.pk]})
    assert answer.status_code == 302
    stored.refresh_from_db()
    assert stored.state == N.PENDING
    provider_notifications_apply()
    recipient.refresh_from_db()
    assert recipient.status == R.DELIVERED
    assert admin_client_panel.get(
        reverse("admin:campaigns_providercall_changelist")).status_code == 200
