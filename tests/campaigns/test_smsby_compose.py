"""SMS.by in the compose form (issue #17): its block asks for the alpha name id, which the
administrator sets as SMS.by's default on the Providers page; the campaign stores it as
its sender and SMS.by's mailings go under it."""

import pytest

from campaigns.forms import CampaignForm
from justsend_panel.core.models import ProviderSetting
from tests.campaigns.test_provider_choice import compose

pytestmark = pytest.mark.django_db


def _errors(form) -> dict:
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_sms_by_is_offered_and_its_alpha_name_defaults_to_the_providers_page():
    ProviderSetting.objects.create(provider="smsby", default_sender="4321")
    form = CampaignForm()
    assert ("smsby", "SMS.by") in form.fields["provider"].choices
    assert form["smsby_sender"].value() == "4321"


def test_an_sms_by_campaign_stores_the_alpha_name_as_its_sender_and_no_options():
    form = compose(provider="smsby", smsby_sender="123")
    assert form.is_valid(), form.errors
    data = form.campaign_data()
    assert (data["provider"], data["sender"], data["provider_options"]) == ("smsby", "123", {})


@pytest.mark.parametrize("value", ["", "abc", "0"])
def test_an_sms_by_campaign_needs_a_positive_alpha_name_id(value):
    assert "smsby_sender" in _errors(compose(provider="smsby", smsby_sender=value))


def test_the_alpha_name_input_never_stops_the_browser_for_another_provider():
    """No required or min attribute: the block is hidden while another provider is chosen."""
    html = str(compose(provider="smsby", smsby_sender="")["smsby_sender"])
    assert " required" not in html and " min=" not in html


def test_justsend_chosen_ignores_the_sms_by_block():
    form = compose(provider="justsend", variant="ECO", smsby_sender="abc")
    assert form.is_valid(), form.errors


def test_the_compose_page_shows_sms_by_s_block(marketing_client):
    page = marketing_client.get("/campaigns/new/").content.decode()
    assert 'data-testid="options-smsby"' in page and 'name="smsby_sender"' in page


def test_the_providers_page_takes_sms_by_s_alpha_name_id_and_refuses_anything_else(
        admin_client_panel):
    page = admin_client_panel.get("/providers/").content.decode()
    assert "Alpha name ID" in page
    refused = admin_client_panel.post("/providers/smsby/settings/", {"smsby-default_sender": "SHOP"})
    assert refused.status_code == 400 and "Give a whole number greater than 0." in refused.content.decode()
    assert not ProviderSetting.objects.exists()
    saved = admin_client_panel.post("/providers/smsby/settings/", {"smsby-default_sender": "77"})
    assert saved.status_code == 302
    assert ProviderSetting.objects.get(provider="smsby").default_sender == "77"
