"""Choosing a provider when composing a campaign or a single message (issue #16): the
Provider select lists the enabled providers, only the chosen provider's options are shown,
validated and stored, and the common fields survive a switch."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.exceptions import CampaignError
from campaigns.forms import CampaignForm, SingleMessageForm
from campaigns.models import Campaign
from campaigns.provider_options import SMSMANAGER_FLOW_REPEATED
from campaigns.services.editing import campaign_create, campaign_duplicate
from justsend_panel.core import provider as core_provider
from justsend_panel.core.models import ProviderSetting
from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.registry import Registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def smsmanager_enabled(monkeypatch):
    """SMS Manager enabled beside Justsend (on a simulator URL nothing listens on: these
    tests never reach it), whatever the settings of this branch configure."""
    configs = {
        **core_provider.provider_configs(),
        "smsmanager": ProviderConfig(
            name="smsmanager", mode=Mode.SIMULATOR, api_url="http://127.0.0.1:9/smsmanager/v2",
            credentials={"api_key": "test-key"},
        ),
    }
    registry = Registry(configs)
    monkeypatch.setattr(core_provider, "provider_registry", lambda: registry)
    return registry


@pytest.fixture
def smsmanager_off(monkeypatch):
    registry = Registry({"justsend": core_provider.provider_configs()["justsend"]})
    monkeypatch.setattr(core_provider, "provider_registry", lambda: registry)
    return registry


def compose(**fields) -> CampaignForm:
    data = {
        "name": "Spring sale", "bulk_type": "STANDARD", "message": "Hello",
        "pasted_numbers": "500 100 200", "when": "now", **fields,
    }
    return CampaignForm(data=data)


SMSMANAGER = {
    "provider": "smsmanager", "smsmanager_sender": "MyShop", "smsmanager_flow_0": "viber",
    "smsmanager_flow_1": "sms", "smsmanager_flow_2": "", "smsmanager_tag": "priority",
}


# --- the select -------------------------------------------------------------------------


def test_the_provider_select_lists_the_enabled_providers_with_justsend_first(smsmanager_enabled):
    form = CampaignForm()
    # Registered and simulated in development too (issue #17), and offered: the apps send
    # through them (JustCall one call per recipient, SMS.by in mailings).
    assert form.fields["provider"].choices == [
        ("justsend", "Justsend"), ("smsmanager", "SMS Manager"), ("justcall", "JustCall"),
        ("smsby", "SMS.by")]
    assert form["provider"].value() == "justsend"
    assert {"smsmanager_sender", "smsmanager_flow", "smsmanager_tag"} <= set(form.fields)


def test_a_provider_that_is_off_is_not_offered_nor_its_options(smsmanager_off):
    form = CampaignForm()
    assert form.fields["provider"].choices == [("justsend", "Justsend")]
    assert not any(name.startswith("smsmanager_") for name in form.fields)
    assert "smsmanager" in errors(compose(**SMSMANAGER))["provider"][0]


def errors(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


# --- SMS Manager's options: shown, validated, stored ----------------------------------


def test_smsmanager_options_are_validated_and_stored_and_justsend_fields_are_not(smsmanager_enabled):
    # A FULL variant without a heading, a bogus country: Justsend's rules would refuse them.
    form = compose(**SMSMANAGER, variant="FULL", full_sender="", country="MARS")
    assert form.is_valid(), form.errors
    data = form.campaign_data()
    assert data["provider"] == "smsmanager"
    assert data["provider_options"] == {"flow": ["viber", "sms"], "tag": "priority"}
    assert data["sender"] == "MyShop"
    # Justsend's columns keep their defaults.
    assert (data["variant"], data["country"], data["voice_config"]) == ("ECO", "", {})


def test_smsmanager_without_a_flow_or_tag_stores_no_options(smsmanager_enabled):
    form = compose(provider="smsmanager", smsmanager_flow_0="", smsmanager_tag="")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["provider_options"] == {}


def test_a_channel_twice_in_the_flow_is_refused_on_the_flow_field_translated(smsmanager_enabled):
    with translation.override("pl"):
        problems = errors(compose(**{**SMSMANAGER, "smsmanager_flow_2": "viber"}))
        # The panel's own msgid (in the catalogue once merged), not the rules' English.
        assert problems == {"smsmanager_flow": [str(SMSMANAGER_FLOW_REPEATED)]}


@pytest.mark.parametrize(("field", "value"), [("smsmanager_tag", "urgent"), ("smsmanager_flow_0", "fax")])
def test_an_unknown_tag_or_channel_is_refused_on_its_field(smsmanager_enabled, field, value):
    problems = errors(compose(**{**SMSMANAGER, field: value}))
    assert list(problems) == [field.removesuffix("_0")]


def test_justsend_chosen_ignores_smsmanager_fields_and_keeps_its_own_rules(smsmanager_enabled):
    form = compose(provider="justsend", variant="ECO", smsmanager_tag="urgent", smsmanager_flow_0="fax")
    assert form.is_valid(), form.errors
    data = form.campaign_data()
    assert (data["provider"], data["provider_options"], data["variant"]) == ("justsend", {}, "ECO")
    assert "full_sender" in errors(compose(provider="justsend", variant="FULL"))


def test_a_form_posted_without_a_provider_is_justsend_as_before(smsmanager_enabled):
    form = compose(variant="ECO")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["provider"] == "justsend"


def test_the_smsmanager_sender_defaults_to_the_providers_page(smsmanager_enabled):
    ProviderSetting.objects.create(provider="smsmanager", default_sender="Kwiaciarnia")
    assert CampaignForm()["smsmanager_sender"].value() == "Kwiaciarnia"
    assert SingleMessageForm()["smsmanager_sender"].value() == "Kwiaciarnia"


def test_a_provider_without_personalised_batches_sends_standard_only(smsmanager_enabled, monkeypatch):
    from justsend_panel.sms.base import Capabilities

    monkeypatch.setattr(smsmanager_enabled, "capabilities", lambda name: Capabilities())
    problems = errors(compose(**SMSMANAGER, bulk_type="PERSONALIZED", message="Hi {name}"))
    assert list(problems) == ["bulk_type"]


# --- the services keep it --------------------------------------------------------------


def test_the_service_refuses_options_the_provider_rules_refuse(smsmanager_enabled, marketing_user):
    with pytest.raises(CampaignError, match="only once"):
        campaign_create(user=marketing_user, data={
            "name": "X", "message": "Hello", "provider": "smsmanager",
            "provider_options": {"flow": ["sms", "sms"]},
        })


def test_an_smsmanager_campaign_keeps_its_sender_and_a_copy_keeps_provider_and_options(
    smsmanager_enabled, marketing_user
):
    campaign = campaign_create(user=marketing_user, data={
        "name": "X", "message": "Hello", "provider": "smsmanager", "sender": "MyShop",
        "provider_options": {"flow": ["whatsapp", "sms"], "tag": "transactional"},
    })
    campaign.refresh_from_db()
    # Justsend's ECO would drop the sender (it sends from 4777); SMS Manager keeps it.
    assert (campaign.provider, campaign.sender) == ("smsmanager", "MyShop")
    assert campaign.provider_options == {"flow": ["whatsapp", "sms"], "tag": "transactional"}
    copy = campaign_duplicate(campaign=campaign, user=marketing_user)
    assert (copy.provider, copy.provider_options, copy.sender) == (
        "smsmanager", campaign.provider_options, "MyShop")


# --- the pages -------------------------------------------------------------------------


def test_the_compose_page_shows_each_providers_options_in_its_own_block(
    smsmanager_enabled, marketing_client
):
    html = marketing_client.get(reverse("campaigns:campaign_create")).content.decode()
    assert 'data-show-if="provider=justsend" data-testid="options-justsend"' in html
    assert 'data-show-if="provider=smsmanager" data-testid="options-smsmanager"' in html
    justsend_block = html.split('data-testid="options-justsend"')[1].split('data-testid="options-smsmanager"')[0]
    assert 'name="variant"' in justsend_block and 'name="smsmanager_tag"' not in justsend_block
    smsmanager_block = html.split('data-testid="options-smsmanager"')[1]
    for name in ("smsmanager_sender", "smsmanager_flow_0", "smsmanager_flow_2", "smsmanager_tag"):
        assert f'name="{name}"' in smsmanager_block
    assert 'name="variant"' not in smsmanager_block
    assert '<option value="smsmanager">SMS Manager</option>' in html


def test_marketing_composes_an_smsmanager_campaign_and_switching_keeps_the_common_fields(
    smsmanager_enabled, marketing_client, customers
):
    common = {"name": "Spring sale", "bulk_type": "PERSONALIZED", "message": "Hi {name}",
              "groups": [customers.pk], "pasted_numbers": "", "when": "now"}
    response = marketing_client.post(reverse("campaigns:campaign_create"), {**common, **SMSMANAGER})
    campaign = Campaign.objects.get()
    assert response.status_code == 302, response.context["form"].errors
    assert (campaign.provider, campaign.provider_options, campaign.sender) == (
        "smsmanager", {"flow": ["viber", "sms"], "tag": "priority"}, "MyShop")

    # The edit form opens on SMS Manager with its options...
    form = marketing_client.get(reverse("campaigns:campaign_edit", args=[campaign.pk])).context["form"]
    assert form["provider"].value() == "smsmanager"
    assert form["smsmanager_flow"].value() == ["viber", "sms"]
    assert form["smsmanager_tag"].value() == "priority"
    # ...and switched to Justsend PRO, the message, type and audience stay.
    response = marketing_client.post(
        reverse("campaigns:campaign_edit", args=[campaign.pk]),
        {**common, "provider": "justsend", "variant": "PRO", "sender": "MyShop"},
    )
    assert response.status_code == 302, response.context["form"].errors
    campaign.refresh_from_db()
    assert (campaign.provider, campaign.provider_options, campaign.variant, campaign.sender) == (
        "justsend", {}, "PRO", "MyShop")
    assert (campaign.name, campaign.bulk_type, campaign.message) == (
        "Spring sale", "PERSONALIZED", "Hi {name}")
    assert list(campaign.groups.all()) == [customers]


def test_an_invalid_switch_shows_the_errors_and_keeps_what_was_typed(
    smsmanager_enabled, marketing_client
):
    response = marketing_client.post(reverse("campaigns:campaign_create"), {
        "name": "Spring sale", "bulk_type": "STANDARD", "message": "Hello there",
        "pasted_numbers": "500 100 200", "when": "now", **SMSMANAGER, "smsmanager_flow_1": "viber",
    })
    assert response.status_code == 200 and not Campaign.objects.exists()
    html = response.content.decode()
    assert 'data-testid="error-smsmanager_flow"' in html
    assert "Hello there" in html and 'value="MyShop"' in html


def test_an_smsmanager_campaign_launches_with_its_provider_and_options_kept(
    smsmanager_enabled, marketing_client, marketing_user, sent_tasks, django_capture_on_commit_callbacks
):
    campaign = campaign_create(user=marketing_user, data={
        "name": "X", "message": "Hello", "provider": "smsmanager", "sender": "MyShop",
        "pasted_numbers": "+48500100200\n+48500100201",
        "provider_options": {"flow": ["sms"], "tag": "priority"},
    })
    # No price set on the Providers page: the launch is still allowed.
    confirm = marketing_client.get(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    assert "SMS Manager" in confirm.context["question"]
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED
    assert (campaign.provider, campaign.provider_options, campaign.sender) == (
        "smsmanager", {"flow": ["sms"], "tag": "priority"}, "MyShop")
    assert [campaign_id for _name, campaign_id in sent_tasks] == [campaign.pk]


# --- cost ------------------------------------------------------------------------------


def smsmanager_campaign(user, **fields) -> Campaign:
    return campaign_create(user=user, data={
        "name": "X", "provider": "smsmanager", "pasted_numbers": "+48500100200\n+48500100201\n+48500100202",
        "message": "Hello", **fields,
    })


def test_the_cost_of_an_smsmanager_campaign_is_segments_times_the_providers_price(
    smsmanager_enabled, marketing_client, marketing_user
):
    ProviderSetting.objects.create(provider="smsmanager", price_per_segment=Decimal("0.0825"), currency="CZK")
    # 170 GSM-7 characters: 2 parts each, 3 recipients.
    campaign = smsmanager_campaign(marketing_user, message="x" * 170)
    with translation.override("pl"):
        response = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk]),
                                        HTTP_ACCEPT_LANGUAGE="pl")
    cost = response.context["preview"].cost
    assert (cost.total_segments, cost.price_per_message, cost.total_cost, cost.currency) == (
        6, Decimal("0.0825"), Decimal("0.4950"), "CZK")
    assert cost.balance is None and response.context["preview"].can_launch
    html = response.content.decode()
    total = html.split('data-testid="total-cost">')[1].split("<")[0]
    assert total == "0,50\u00a0CZK"  # Polish decimal comma, as core.formatting.money writes it
    assert 'data-testid="balance"' not in html and 'data-testid="price-not-set"' not in html


def test_the_launch_keeps_the_estimate_of_a_provider_that_reports_no_charge(
    smsmanager_enabled, marketing_client, marketing_user, sent_tasks, django_capture_on_commit_callbacks
):
    """SMS Manager says nothing of what it charged: the cost the launch showed is kept, and
    the campaign page shows it as the estimate (never "Charged points")."""
    ProviderSetting.objects.create(provider="smsmanager", price_per_segment=Decimal("0.0825"), currency="CZK")
    campaign = smsmanager_campaign(marketing_user, message="x" * 170)
    with django_capture_on_commit_callbacks(execute=True):
        marketing_client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED
    assert (campaign.cost, campaign.cost_currency) == (Decimal("0.4950"), "CZK")
    html = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-count="estimated_cost"' in html and 'data-count="charged_points"' not in html


def test_without_a_price_the_preview_says_so_and_the_campaign_can_still_be_launched(
    smsmanager_enabled, client, marketing_user, administrator
):
    from justsend_panel.core.roles import VIEWER
    from tests.factories.users import UserFactory

    campaign = smsmanager_campaign(marketing_user)
    url = reverse("campaigns:campaign_preview", args=[campaign.pk])
    for user, shown in ((marketing_user, True), (administrator, True), (UserFactory(role=VIEWER), False)):
        client.force_login(user)
        response = client.get(url)
        preview = response.context["preview"]
        assert preview.cost.total_cost is None and preview.can_launch
        assert ('data-testid="price-not-set"' in response.content.decode()) is shown, user
        assert 'data-testid="launch"' in response.content.decode()


def test_a_justsend_campaign_without_a_price_still_cannot_launch(marketing_user):
    from campaigns.services.cost import CostEstimate
    from campaigns.services.preview import Preview

    cost = CostEstimate(recipients=1, total_segments=1, segments_per_message=1, price_per_message=None,
                        total_cost=None, balance=Decimal(10), promo_points=Decimal(0))
    summary = type("Summary", (), {"missing_count": 0, "recipients": 1})()
    assert "ECO" in Preview("ECO", summary, cost).launch_refusal


def test_a_provider_balance_known_too_low_refuses_the_launch():
    from campaigns.services.cost import CostEstimate, cost_launch_check
    from campaigns.services.preview import Preview

    cost = CostEstimate(recipients=10, total_segments=10, segments_per_message=1,
                        price_per_message=Decimal("0.5"), total_cost=Decimal("5"), balance=Decimal("2"),
                        promo_points=Decimal(0), provider="smsmanager", currency="EUR")
    summary = type("Summary", (), {"missing_count": 0, "recipients": 10})()
    assert "3.00\u00a0EUR short" in Preview("ECO", summary, cost).launch_refusal
    with pytest.raises(CampaignError):
        cost_launch_check(cost=cost, variant="ECO")


# --- single messages -------------------------------------------------------------------


class RecordingBackend:
    """An in-process backend (no HTTP): records what it is given, accepts or rejects it."""

    def __init__(self, *, reject: str | None = None):
        self.batches, self.reject = [], reject

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def send_batch(self, batch):
        from justsend_panel.sms.types import AcceptedMessage, RejectedMessage, SendReceipt

        self.batches.append(batch)
        message = batch.messages[0]
        if self.reject:
            return SendReceipt("req-1", rejected=(RejectedMessage(message.reference, message.to, self.reject),))
        return SendReceipt("req-1", accepted=(AcceptedMessage(message.reference, "req-1-0"),))

    def send_message(self, batch):  # Backend.send_message's default: one send_batch
        return self.send_batch(batch)


@pytest.fixture
def smsmanager_backend(smsmanager_enabled, monkeypatch):
    backend = RecordingBackend()
    monkeypatch.setattr("campaigns.services.test_send.provider_backend", lambda name: backend)
    return backend


def test_the_single_message_form_checks_only_the_chosen_providers_options(smsmanager_enabled):
    data = {"msisdn": "500 100 200", "content": "Hi", "variant": "FULL", **SMSMANAGER}
    form = SingleMessageForm(data=data)
    assert form.is_valid(), form.errors
    assert form.send_arguments() == {
        "provider": "smsmanager", "sender": "MyShop",
        "provider_options": {"flow": ["viber", "sms"], "tag": "priority"},
        "media": None,  # the MMS select is offered (JustCall sends MMS), SMS Manager takes none
    }
    form = SingleMessageForm(data={**data, "provider": "justsend"})
    assert list(errors(form)) == ["full_sender"]  # Justsend's FULL rule, SMS Manager's fields ignored


def test_a_single_message_through_smsmanager_is_sent_by_its_backend_and_recorded(
    smsmanager_backend, marketing_client
):
    from campaigns.models import SentMessage

    response = marketing_client.post(reverse("campaigns:single_message_send"), {
        "msisdn": "500 100 200", "content": "Hello", **SMSMANAGER,
        "token": "3f1c2a5e-0000-4000-8000-000000000001",
    }, follow=True)
    sent = SentMessage.objects.get()
    # Only Justsend lists its single messages back: another provider's is the panel's record.
    assert response.redirect_chain[-1][0] == reverse("campaigns:sent_message_detail", args=[sent.pk])
    [batch] = smsmanager_backend.batches
    assert (batch.sender, batch.options) == ("MyShop", {"flow": ["viber", "sms"], "tag": "priority"})
    assert [(m.to, m.text) for m in batch.messages] == [("48500100200", "Hello")]
    sent = SentMessage.objects.get()
    assert (sent.provider, sent.provider_options, sent.sender, sent.state, sent.message_id) == (
        "smsmanager", {"flow": ["viber", "sms"], "tag": "priority"}, "MyShop", SentMessage.State.SENT, "req-1-0")
    assert "req-1-0" in response.content.decode()


def test_a_single_message_the_provider_rejects_is_refused_with_its_reason(
    smsmanager_backend, marketing_user
):
    from campaigns.services.test_send import SendRefused, single_message_send

    smsmanager_backend.reject = "invalid number"
    with pytest.raises(SendRefused, match="SMS Manager refused the message: invalid number"):
        single_message_send(msisdn="48500100200", content="Hi", provider="smsmanager", user=marketing_user)


def test_the_blacklist_holds_for_every_provider(smsmanager_backend, marketing_user):
    from campaigns.services.test_send import SendRefused, single_message_send
    from tests.campaigns.conftest import blacklist_add

    blacklist_add("48500100200")
    with pytest.raises(SendRefused, match="blacklist"):
        single_message_send(msisdn="48500100200", content="Hi", provider="smsmanager", user=marketing_user)
    assert smsmanager_backend.batches == []


def test_a_test_send_of_an_smsmanager_campaign_goes_through_its_provider(
    smsmanager_backend, marketing_user
):
    from campaigns.services.test_send import campaign_test_send

    campaign = smsmanager_campaign(marketing_user, sender="MyShop",
                                   provider_options={"tag": "transactional"})
    sent = campaign_test_send(campaign=campaign, msisdn="48500100999", user=marketing_user)
    [batch] = smsmanager_backend.batches
    assert (batch.sender, batch.options, batch.messages[0].text) == ("MyShop", {"tag": "transactional"}, "Hello")
    assert sent.outcome.result.id == "req-1-0"


def test_a_text_longer_than_smsmanager_takes_is_refused_on_the_message(smsmanager_enabled):
    from justsend_panel.sms.registry import vocabulary

    limit = vocabulary("smsmanager").MAX_TEXT_LENGTH
    assert compose(**SMSMANAGER, message="x" * limit).is_valid()
    assert list(errors(compose(**SMSMANAGER, message="x" * (limit + 1)))) == ["message"]
    # Justsend's own limits are not SMS Manager's.
    assert compose(provider="justsend", variant="ECO", message="x" * (limit + 1)).is_valid()
    single = {"msisdn": "500 100 200", **SMSMANAGER, "content": "x" * (limit + 1)}
    assert list(errors(SingleMessageForm(data=single))) == ["content"]


def test_a_draft_of_a_provider_switched_off_opens_but_must_change_provider(
    smsmanager_enabled, marketing_user, monkeypatch
):
    campaign = smsmanager_campaign(marketing_user, provider_options={"tag": "priority"})
    registry = Registry({"justsend": core_provider.provider_configs()["justsend"]})
    monkeypatch.setattr(core_provider, "provider_registry", lambda: registry)
    form = CampaignForm(campaign=campaign)
    assert form.fields["provider"].choices == [("justsend", "Justsend"), ("smsmanager", "SMS Manager")]
    assert form["smsmanager_tag"].value() == "priority"
    data = {"name": "X", "bulk_type": "STANDARD", "message": "Hello", "pasted_numbers": "500 100 200",
            "when": "now", "provider": "smsmanager"}
    problems = errors(CampaignForm(data=data, campaign=campaign))
    assert list(problems) == ["provider"] and "SMS Manager" in problems["provider"][0]
    assert CampaignForm(data={**data, "provider": "justsend", "variant": "ECO"}, campaign=campaign).is_valid()
