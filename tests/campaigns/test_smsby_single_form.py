"""The single-message form's SMS.by block: a text from an alpha name with optional Viber
forwarding (5-60 minutes, the Viber name from the Providers page), or a verification code
(digits only, at most 16) through Telegram or WhatsApp.

SMS.by joins the forms' providers (``provider_options.COMPOSABLE``) with its campaigns
(helper branch smsbysend); here it is patched in."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.forms import SingleMessageForm
from campaigns.models import SentMessage
from justsend_panel.core.models import ProviderSetting

pytestmark = pytest.mark.django_db

TEXT = {"msisdn": "500 100 200", "provider": "smsby", "smsby_kind": "text", "smsby_sender": "7",
        "content": "Hello", "smsby_forwarding_time": "60"}
CODE = {"msisdn": "500 100 200", "provider": "smsby", "smsby_kind": "code", "smsby_code_channel": "telegram",
        "smsby_code": "4091", "content": ""}


@pytest.fixture(autouse=True)
def smsby_composable(monkeypatch):
    monkeypatch.setattr("campaigns.provider_options.COMPOSABLE", ("justsend", "smsmanager", "smsby"))


@pytest.fixture
def vibername():
    return ProviderSetting.objects.create(provider="smsby", vibername_id=3)


def errors(**data) -> dict:
    form = SingleMessageForm(data=data)
    assert not form.is_valid()
    return form.errors


def test_sms_by_is_offered_with_its_own_block():
    form = SingleMessageForm()
    assert ("smsby", "SMS.by") in form.fields["provider"].choices
    assert {"smsby_kind", "smsby_sender", "smsby_forwarding_message", "smsby_forwarding_time",
            "smsby_code_channel", "smsby_code"} <= set(form.fields)


def test_a_text_goes_with_the_alpha_name_and_no_forwarding():
    form = SingleMessageForm(data=TEXT)
    assert form.is_valid(), form.errors
    assert form.send_arguments() == {"provider": "smsby", "provider_options": {"alphaname_id": 7}, "sender": "7"}


@pytest.mark.parametrize("minutes", ["5", "60"])
def test_forwarding_takes_5_to_60_minutes_and_the_viber_name_from_the_providers_page(vibername, minutes):
    form = SingleMessageForm(data={**TEXT, "smsby_forwarding_message": "on", "smsby_forwarding_time": minutes})
    assert form.is_valid(), form.errors
    assert form.send_arguments()["provider_options"] == {
        "alphaname_id": 7, "forwarding_message": True, "forwarding_time": int(minutes), "vibername_id": 3}


@pytest.mark.parametrize("minutes", ["4", "61", "0"])
def test_forwarding_outside_5_to_60_minutes_is_refused_on_its_field(vibername, minutes):
    problems = errors(**{**TEXT, "smsby_forwarding_message": "on", "smsby_forwarding_time": minutes})
    assert problems == {"smsby_forwarding_time": ["Forwarding to Viber waits 5 to 60 minutes."]}


def test_forwarding_without_a_viber_name_on_the_providers_page_says_where_to_set_it():
    problems = errors(**{**TEXT, "smsby_forwarding_message": "on"})
    assert "Providers page" in problems["smsby_forwarding_message"][0]


def test_a_text_without_a_message_is_refused():
    assert "content" in errors(**{**TEXT, "content": ""})


def test_a_text_without_an_alpha_name_is_refused():
    assert errors(**{**TEXT, "smsby_sender": ""}) == {"smsby_sender": ["Give the alpha name id to send from."]}
    assert errors(**{**TEXT, "smsby_sender": "abc"}) == {
        "smsby_sender": ["The alpha name id is a positive whole number."]}


def test_a_verification_code_needs_no_message_and_goes_by_its_messenger():
    form = SingleMessageForm(data={**CODE, "smsby_code_channel": "whatsapp"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["content"] == "4091"
    assert form.send_arguments() == {"provider": "smsby", "provider_options": {}, "sender": None,
                                     "code_channel": "whatsapp"}


@pytest.mark.parametrize(("code", "message"), [
    ("12 34", "A verification code is digits only (0-9), with no spaces or other characters."),
    ("12a4", "A verification code is digits only (0-9), with no spaces or other characters."),
    ("", "A verification code is digits only (0-9), with no spaces or other characters."),
    ("1" * 17, "A verification code has at most 16 digits; this one has 17."),
])
def test_a_verification_code_is_digits_only_at_most_16(code, message):
    assert errors(**{**CODE, "smsby_code": code}) == {"smsby_code": [message]}


def test_16_digits_is_a_code():
    assert SingleMessageForm(data={**CODE, "smsby_code": "1234567890123456"}).is_valid()


def test_the_page_sends_a_code_and_shows_it_masked_in_the_detail(panel_sandbox, marketing_client):
    response = marketing_client.post(reverse("campaigns:single_message_send"), {
        **CODE, "smsby_code": "40912377", "token": "3f1c2a5e-0000-4000-8000-00000000a001"}, follow=True)
    sent = SentMessage.objects.get()
    assert response.redirect_chain[-1][0] == reverse("campaigns:sent_message_detail", args=[sent.pk])
    page = response.content.decode()
    assert "••••••77" in page and "40912377" not in page
    assert 'data-testid="sent-channel">Telegram<' in page
    assert 'data-testid="sent-kind">Verification code<' in page
    listing = marketing_client.get(reverse("campaigns:single_message_list")).content.decode()
    assert "Verification code" in listing and "Telegram" in listing


def test_the_page_sends_a_text_and_shows_the_cost(panel_sandbox, marketing_client, vibername):
    response = marketing_client.post(reverse("campaigns:single_message_send"), {
        **TEXT, "smsby_forwarding_message": "on", "smsby_forwarding_time": "5",
        "token": "3f1c2a5e-0000-4000-8000-00000000a002"}, follow=True)
    page = response.content.decode()
    # SMS.by writes 0.02600 and names no currency: none is set on the Providers page.
    assert 'data-testid="sent-cost">0.026\u00a0(SMS.by account currency)<' in page
    assert 'data-testid="sent-forwarding"' in page
    listing = marketing_client.get(reverse("campaigns:single_message_list")).content.decode()
    assert 'data-figure="cost">0.026\u00a0(SMS.by account currency)<' in listing


@pytest.fixture
def english_after():
    """A request in Polish leaves Polish active in the thread: not for the tests after it."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize("language, cost", [("en", "0.026\u00a0BYN"), ("pl", "0,026\u00a0BYN")])
def test_the_cost_is_in_the_currency_set_on_the_providers_page_by_locale(
    panel_sandbox, marketing_client, vibername, language, cost, django_assert_max_num_queries, english_after,
):
    vibername.currency = "BYN"
    vibername.save()
    marketing_client.post(reverse("campaigns:single_message_send"), {
        **TEXT, "token": "3f1c2a5e-0000-4000-8000-00000000a003"}, HTTP_ACCEPT_LANGUAGE=language)
    sent = SentMessage.objects.get()

    page = marketing_client.get(reverse("campaigns:sent_message_detail", args=[sent.pk]),
                                HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'data-testid="sent-cost">{cost}<' in page
    for n in range(3):
        SentMessage.objects.create(token=f"3f1c2a5e-0000-4000-8000-00000000b00{n}", msisdn="48500100200",
                                   provider="smsby", variant=sent.variant, content="Hi", cost="0.078")
    # Session, user, permissions and the rows with their currency: no query a message.
    with django_assert_max_num_queries(5):
        listing = marketing_client.get(reverse("campaigns:single_message_list"),
                                       HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert listing.count('data-figure="cost">') == 4 and f'data-figure="cost">{cost}<' in listing
