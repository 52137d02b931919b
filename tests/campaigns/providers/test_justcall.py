"""JustCall through the apps (issue #17): a campaign is one recorded call per recipient
whose ``webhook_url`` carries the recipient's signed token; the token route stores and
applies callbacks for known tokens only; a 404 names the From number; the forms offer the
administrator's From numbers and JustCall's length limits; single messages."""

import json
import logging

import pytest
from django.urls import reverse

from campaigns.deliveries.models import ProviderNotification
from campaigns.deliveries.services.statuses import provider_notifications_apply
from campaigns.deliveries.tokens import callback_token_make, callback_token_read
from campaigns.forms import CampaignForm, SingleMessageForm
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.provider_sending import campaign_in_doubt_count
from campaigns.services.sending import campaign_submit
from campaigns.services.test_send import SendRefused, single_message_send
from justsend_panel.core.models import ProviderSetting
from justsend_panel.core.provider import provider_backend
from tests.campaigns.services.conftest import campaign_make, group_with_members

pytestmark = pytest.mark.django_db

S = Campaign.Status
R = Recipient.Status
N = ProviderNotification.State
SECRET = "justcall-webhook-secret-0123456789"
FROM = "+14155551234"  # SMS-enabled in the simulator (JUSTCALL_SANDBOX_NUMBERS' default)
NOT_ENABLED = "+48221234599"  # a valid number the simulator does not know


@pytest.fixture
def justcall(panel_sandbox, settings):
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    settings.PANEL_PUBLIC_URL = "https://panel.example"
    ProviderSetting.objects.create(provider="justcall", rate_limit=1000,
                                   from_numbers=[FROM, NOT_ENABLED])
    return panel_sandbox


def jc_messages(sandbox):
    return sandbox.app.justcall.store.all(
        "SELECT recipient, sender, webhook_url, message_id FROM jc_messages ORDER BY id")


def justcall_campaign(user, count=5, sender=FROM, **fields):
    return campaign_make(user, groups=[group_with_members("Customers", count)],
                         provider="justcall", sender=sender, status=S.QUEUED, **fields)


def callback(client, token, *, status="delivered", message_id="msg_1", to="+48500000000",
             secret=SECRET):
    body = {"message_id": message_id, "status": status, "to": to, "from": FROM,
            "timestamp": "2026-12-03T08:00:05Z"}
    return client.post(f"/webhooks/justcall/{secret}/{token}/", data=json.dumps(body),
                       content_type="application/json")


# --- the campaign's calls -----------------------------------------------------------


def test_one_call_per_recipient_each_webhook_url_naming_its_recipient(justcall, marketing_user):
    campaign = justcall_campaign(marketing_user, count=5)
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == S.SENDING
    assert ProviderCall.objects.filter(campaign=campaign, state=ProviderCall.State.SENT).count() == 5
    sent = jc_messages(justcall)
    recipients = {f"+{r.msisdn}": r for r in Recipient.objects.filter(campaign=campaign)}
    assert sorted(row[0] for row in sent) == sorted(recipients)  # each once
    for to, sender, webhook_url, message_id in sent:
        prefix = f"https://panel.example/webhooks/justcall/{SECRET}/"
        assert sender == FROM and webhook_url.startswith(prefix) and webhook_url.endswith("/")
        subject = callback_token_read(webhook_url[len(prefix):-1], provider="justcall")
        assert subject is not None and subject.kind == "r"
        assert subject.pk == recipients[to].pk
        assert recipients[to].message_id == message_id and recipients[to].status == R.SUBMITTED


def test_without_a_public_url_no_webhook_url_is_sent(justcall, marketing_user, settings):
    settings.PANEL_PUBLIC_URL = ""
    campaign_submit(campaign_id=justcall_campaign(marketing_user, count=2).pk)
    assert [row[2] for row in jc_messages(justcall)] == [None, None]


def test_a_from_number_justcall_does_not_know_fails_the_campaign_naming_it(
        justcall, marketing_user):
    campaign = justcall_campaign(marketing_user, count=3, sender=NOT_ENABLED)
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    assert NOT_ENABLED in campaign.failure_reason and "404" in campaign.failure_reason
    assert jc_messages(justcall) == []
    assert ProviderCall.objects.filter(campaign=campaign).count() == 1  # no second try
    assert set(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) \
        == {R.FAILED}


# --- the token route ----------------------------------------------------------------


def test_a_callback_with_a_valid_token_settles_its_recipient_and_keeps_the_payload(
        justcall, marketing_user, client):
    campaign = justcall_campaign(marketing_user, count=2)
    campaign_submit(campaign_id=campaign.pk)
    first = Recipient.objects.filter(campaign=campaign).order_by("pk").first()
    token = callback_token_make(provider="justcall", kind="r", pk=first.pk)

    for status in ("sent", "delivered"):
        answer = callback(client, token, status=status, message_id=first.message_id,
                          to=f"+{first.msisdn}")
        assert answer.status_code == 200
    stored = ProviderNotification.objects.filter(provider="justcall").order_by("pk")
    assert [n.reference for n in stored] == [f"r{first.pk}"] * 2
    assert json.loads(stored[1].body) == {
        "message_id": first.message_id, "status": "delivered", "to": f"+{first.msisdn}",
        "from": FROM, "timestamp": "2026-12-03T08:00:05Z"}
    provider_notifications_apply()

    first.refresh_from_db()
    assert first.status == R.DELIVERED and first.sent_at is not None
    assert set(stored.values_list("state", flat=True)) == {N.APPLIED}
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.delivered_count) == (1, 1)


def test_a_callback_settles_an_in_doubt_recipient_by_its_token_alone(
        justcall, marketing_user, client):
    campaign = justcall_campaign(marketing_user, count=1)
    campaign_submit(campaign_id=campaign.pk)
    recipient = Recipient.objects.get(campaign=campaign)
    # Its call's answer was lost: no message id is known, only the token names it.
    Recipient.objects.filter(pk=recipient.pk).update(status=R.IN_DOUBT, message_id="")
    ProviderCall.objects.filter(campaign=campaign).update(state=ProviderCall.State.IN_DOUBT)
    assert campaign_in_doubt_count(campaign=campaign) == 1
    token = callback_token_make(provider="justcall", kind="r", pk=recipient.pk)

    assert callback(client, token, status="undelivered", message_id="msg_lost").status_code == 200
    provider_notifications_apply()

    recipient.refresh_from_db()
    assert (recipient.status, recipient.message_id) == (R.UNDELIVERED, "msg_lost")
    assert recipient.status_code == "undelivered"
    assert campaign_in_doubt_count(campaign=campaign) == 0


def test_a_forged_or_unknown_token_is_refused_logged_without_its_signature_and_not_stored(
        justcall, marketing_user, client, caplog):
    campaign = justcall_campaign(marketing_user, count=1)
    campaign_submit(campaign_id=campaign.pk)
    recipient = Recipient.objects.get(campaign=campaign)
    good = callback_token_make(provider="justcall", kind="r", pk=recipient.pk)
    signature = good.split(".")[1]
    forged = f"r{recipient.pk}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    other_secret = callback_token_make(provider="justcall", kind="r", pk=recipient.pk,
                                       secret="someone-else")
    unknown = callback_token_make(provider="justcall", kind="r", pk=recipient.pk + 1000)
    with caplog.at_level(logging.WARNING):
        for token in (forged, other_secret, unknown, "r1", "garbage"):
            assert callback(client, token).status_code == 403, token
    assert ProviderNotification.objects.count() == 0
    refused = [r.getMessage() for r in caplog.records if "callback refused" in r.getMessage()]
    assert len(refused) == 5 and f"'r{recipient.pk}'" in refused[0]
    logged = caplog.text
    for token in (forged, other_secret, unknown):
        assert token.split(".")[1] not in logged
    assert SECRET not in logged
    recipient.refresh_from_db()
    assert recipient.status == R.SUBMITTED


def test_a_recipient_of_another_provider_is_not_named_by_a_justcall_token(
        justcall, marketing_user, client):
    campaign = campaign_make(marketing_user, groups=[group_with_members("Other", 1)],
                             provider="smsmanager", status=S.QUEUED)
    from campaigns.services.audience import audience_prepare
    audience_prepare(campaign=campaign)
    other = Recipient.objects.get(campaign=campaign)
    token = callback_token_make(provider="justcall", kind="r", pk=other.pk)
    assert callback(client, token).status_code == 403
    assert ProviderNotification.objects.count() == 0


def test_a_wrong_secret_is_a_404_whatever_the_token(justcall, marketing_user, client):
    campaign_submit(campaign_id=justcall_campaign(marketing_user, count=1).pk)
    recipient = Recipient.objects.get()
    token = callback_token_make(provider="justcall", kind="r", pk=recipient.pk)
    assert callback(client, token, secret="wrong-secret").status_code == 404
    assert client.get(f"/webhooks/justcall/{SECRET}/{token}/").status_code == 405
    assert ProviderNotification.objects.count() == 0


def test_a_provider_without_per_message_callbacks_has_no_token_route(justcall, client, settings):
    settings.SMSMANAGER_WEBHOOK_SECRET = "smsm-secret"
    token = callback_token_make(provider="smsmanager", kind="r", pk=1)
    answer = client.post(f"/webhooks/smsmanager/smsm-secret/{token}/", data="{}",
                         content_type="application/json")
    assert answer.status_code == 404


# --- the forms and the Providers page -----------------------------------------------


def compose_data(**fields):
    return {"name": "Winter", "provider": "justcall", "justcall_sender": FROM,
            "bulk_type": "STANDARD", "message": "Winter sale", "pasted_numbers": "48500100200",
            "when": CampaignForm.SEND_NOW, **fields}


def test_the_compose_form_offers_the_administrator_s_from_numbers(justcall):
    form = CampaignForm()
    assert ("justcall", "JustCall") in form.fields["provider"].choices
    assert form.fields["justcall_sender"].choices == [("", "—"), (FROM, FROM),
                                                      (NOT_ENABLED, NOT_ENABLED)]
    form = CampaignForm(data=compose_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["provider"] == "justcall" and form.provider_sender() == FROM
    refused = CampaignForm(data=compose_data(justcall_sender="+48221230000"))
    assert not refused.is_valid() and "justcall_sender" in refused.errors
    missing = CampaignForm(data=compose_data(justcall_sender=""))
    assert not missing.is_valid()
    assert "Providers page" in missing.errors["justcall_sender"][0]


@pytest.mark.parametrize(("text", "ok"), [
    ("a" * 1600, True), ("a" * 1601, False), ("€" * 800, True), ("€" * 800 + "a", False),
    ("ą" * 1120, True), ("ą" * 1121, False), ("😀" * 560, True), ("😀" * 560 + "ą", False),
])
def test_the_composer_enforces_justcall_s_limits(justcall, text, ok):
    form = CampaignForm(data=compose_data(message=text))
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert "JustCall takes at most" in " ".join(form.errors["message"])
    single = SingleMessageForm(data={"msisdn": "48500100200", "provider": "justcall",
                                     "justcall_sender": FROM, "content": text,
                                     "token": "6f1b2c3d-0000-4000-8000-000000000001"})
    assert single.is_valid() is ok, single.errors


def test_the_providers_page_saves_the_from_numbers_for_the_backend(admin_client_panel, justcall):
    from justsend_panel.audit.models import AuditEntry

    page = admin_client_panel.get("/providers/")
    assert page.status_code == 200 and 'name="justcall-from_numbers"' in page.content.decode()
    assert 'name="smsmanager-from_numbers"' not in page.content.decode()
    answer = admin_client_panel.post("/providers/justcall/settings/", {
        "justcall-from_numbers": "+48 22 123 45 67, +14155551234\n+14155551234\n"})
    assert answer.status_code == 302
    assert ProviderSetting.objects.get(provider="justcall").from_numbers == [
        "+48221234567", FROM]
    with provider_backend("justcall") as backend:
        assert backend.config.options["from_numbers"] == ["+48221234567", FROM]
    entry = AuditEntry.objects.filter(summary_params__numbers__isnull=False).latest("pk")
    assert entry.summary_params["numbers"] == f"+48221234567, {FROM}"

    refused = admin_client_panel.post("/providers/justcall/settings/", {
        "justcall-from_numbers": "+14155551234, 48221234567, +1415555"})
    assert refused.status_code == 400
    assert "48221234567, +1415555" in refused.content.decode()
    assert ProviderSetting.objects.get(provider="justcall").from_numbers == [
        "+48221234567", FROM]


# --- single messages ----------------------------------------------------------------


def test_a_single_message_through_justcall(justcall, marketing_user):
    outcome = single_message_send(msisdn="48500100200", content="Hello", sender=FROM,
                                  provider="justcall", provider_options={},
                                  user=marketing_user)
    assert outcome.result.id and outcome.result.id.startswith("msg_")
    assert [row[:2] for row in jc_messages(justcall)] == [("+48500100200", FROM)]


def test_a_single_message_from_an_unknown_number_is_refused_naming_it(justcall, marketing_user):
    with pytest.raises(SendRefused) as refused:
        single_message_send(msisdn="48500100200", content="Hello", sender=NOT_ENABLED,
                            provider="justcall", provider_options={}, user=marketing_user)
    assert NOT_ENABLED in refused.value.message
    assert not getattr(refused.value, "sent_maybe", False)


def test_a_single_message_s_status_comes_by_its_callback_and_shows_in_the_number_s_history(
        justcall, marketing_user, marketing_client, client):
    import uuid

    from campaigns.models import SentMessage

    single_message_send(msisdn="48500100200", content="Hello", sender=FROM,
                        provider="justcall", provider_options={}, user=marketing_user,
                        token=uuid.uuid4())
    message = SentMessage.objects.get()
    (to, sender, webhook_url, message_id), = jc_messages(justcall)
    token = webhook_url.rstrip("/").rsplit("/", 1)[1]
    assert callback_token_read(token, provider="justcall").reference == f"m{message.pk}"
    assert message.message_id == message_id and message.delivery_status == ""

    for status in ("sent", "delivered", "sent"):  # a late "sent" changes nothing
        assert callback(client, token, status=status, message_id=message_id,
                        to=to).status_code == 200
    provider_notifications_apply()

    message.refresh_from_db()
    assert message.delivery_status == R.DELIVERED and message.delivery_status_at is not None
    assert set(ProviderNotification.objects.values_list("state", flat=True)) == {N.APPLIED}
    page = marketing_client.get(reverse("campaigns:number_history", args=["48500100200"])).content.decode()
    assert 'data-kind="single"' in page and "Delivered" in page and message_id in page


@pytest.mark.parametrize("sender", ["", "+48221230000"])
def test_a_from_number_no_longer_listed_fails_the_campaign_before_any_call(
        justcall, marketing_user, sender):
    campaign = justcall_campaign(marketing_user, count=2, sender=sender)
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == S.FAILED and "From number" in campaign.failure_reason
    assert sender in campaign.failure_reason
    assert not ProviderCall.objects.filter(campaign=campaign).exists()  # nothing in doubt
    assert jc_messages(justcall) == []


# --- From numbers on the simulator and live -------------------------------------------

SIMULATOR_NUMBERS = ("+14155551234", "+48221234567")


def test_the_panel_knows_the_simulator_s_numbers_by_the_sandbox_s_own_default(settings):
    from justsend_panel.sandbox.config import DEFAULT_JUSTCALL_NUMBERS

    assert settings.JUSTCALL_SANDBOX_NUMBERS == DEFAULT_JUSTCALL_NUMBERS == SIMULATOR_NUMBERS


def test_on_its_simulator_with_none_listed_justcall_offers_and_sends_from_the_simulator_s_numbers(
        panel_sandbox, settings, admin_client_panel, marketing_user):
    """``make run``: nobody has listed a From number yet, JustCall still composes and
    sends, from the numbers its simulator has; the Providers page says so."""
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    settings.PANEL_PUBLIC_URL = "https://panel.example"
    settings.JUSTCALL_SANDBOX_NUMBERS = SIMULATOR_NUMBERS
    assert not ProviderSetting.objects.filter(provider="justcall").exists()

    form = CampaignForm()
    assert form.fields["justcall_sender"].choices == [("", "—")] + [
        (number, number) for number in SIMULATOR_NUMBERS]
    assert CampaignForm(data=compose_data(justcall_sender="+48221234567")).is_valid()
    page = admin_client_panel.get("/providers/").content.decode()
    assert 'data-testid="simulator-numbers"' in page
    assert "+14155551234, +48221234567" in page and "List your own for live use" in page
    assert 'name="justcall-from_numbers"' in page and "+14155551234</textarea>" not in page

    campaign = justcall_campaign(marketing_user, count=2, sender="+48221234567")
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING
    assert {row[1] for row in jc_messages(panel_sandbox)} == {"+48221234567"}

    # Once an administrator lists numbers, only those are offered, and the note goes.
    ProviderSetting.objects.create(provider="justcall", from_numbers=["+48221234567"])
    assert CampaignForm().fields["justcall_sender"].choices == [
        ("", "—"), ("+48221234567", "+48221234567")]
    assert 'data-testid="simulator-numbers"' not in admin_client_panel.get("/providers/") \
        .content.decode()


def test_live_justcall_offers_only_the_listed_numbers_never_the_simulator_s(
        settings, admin_client_panel):
    settings.JUSTCALL_API_KEY = "jc-live-key"
    settings.JUSTCALL_API_SECRET = "jc-live-secret"
    settings.JUSTCALL_API_URL = "https://api.justcall.io/v2"
    settings.JUSTCALL_SANDBOX_NUMBERS = SIMULATOR_NUMBERS

    assert CampaignForm().fields["justcall_sender"].choices == [("", "—")]
    assert not CampaignForm(data=compose_data(justcall_sender=FROM)).is_valid()
    page = admin_client_panel.get("/providers/").content.decode()
    assert 'name="justcall-from_numbers"' in page
    assert 'data-testid="simulator-numbers"' not in page
    with provider_backend("justcall") as backend:
        assert "from_numbers" not in backend.config.options

    ProviderSetting.objects.create(provider="justcall", from_numbers=[NOT_ENABLED])
    assert CampaignForm().fields["justcall_sender"].choices == [
        ("", "—"), (NOT_ENABLED, NOT_ENABLED)]
