"""Issue 16: a feature only some providers have asks for "the provider that offers it"
(``provider_for``), and a campaign's provider is asked for what the path needs
(``provider_backend(name, needs=...)``); none offering it is a message, not a crash."""

from dataclasses import fields
from io import StringIO

import pytest
from django.core.management import call_command

from justsend_panel.core.provider import (
    CAPABILITY_LABELS,
    CAPABILITY_MISSING,
    provider_backend,
    provider_for,
    provider_name_for,
    provider_offers,
)
from justsend_panel.sms.base import Capabilities
from justsend_panel.sms.exceptions import SmsUnsupported
from justsend_panel.sms.registry import backend_class
from tests.fixtures.providers import capabilities_withdraw

JUSTSEND_ONLY = ("remote_groups", "remote_blacklist", "email_to_sms", "statistics", "balance",
                 "price_query", "file_upload")


@pytest.fixture(autouse=True)
def both_simulated(settings):
    settings.PRODUCTION = False
    settings.JUSTSEND_SANDBOX = True
    settings.JUSTSEND_SANDBOX_APP_KEY = "sandbox-key"
    settings.SMSMANAGER_API_KEY = ""
    settings.SMSMANAGER_SANDBOX_API_KEY = "sm-sandbox-key"


def test_justsend_offers_mail2sms_and_statistics_from_its_manual():
    offered = backend_class("justsend").capabilities.offered()
    assert {"email_to_sms", "statistics"} <= set(offered)
    assert not {"email_to_sms", "statistics"} & set(backend_class("smsmanager").capabilities.offered())


@pytest.mark.parametrize("capability", JUSTSEND_ONLY)
def test_a_justsend_feature_gets_justsends_backend(capability):
    with provider_for(capability) as backend:
        assert backend.name == "justsend"
        assert backend.client().base_url  # the full client, for Justsend's own methods
    assert provider_name_for(capability) == "justsend" and provider_offers(capability)


def test_a_capability_only_smsmanager_has_gets_smsmanager():
    with provider_for("channels") as backend:
        assert backend.name == "smsmanager"


def test_the_first_provider_in_the_panels_order_wins(monkeypatch):
    assert provider_name_for("delivery_webhooks") == "justsend"  # both have webhooks
    capabilities_withdraw(monkeypatch, "justsend", "delivery_webhooks")
    assert provider_name_for("delivery_webhooks") == "smsmanager"


def test_none_offering_it_is_a_clear_message(monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "remote_groups")
    assert not provider_offers("remote_groups")
    with pytest.raises(SmsUnsupported) as raised:
        provider_for("remote_groups")
    assert raised.value.message == "No configured provider keeps contact groups."


def test_a_provider_that_is_off_does_not_count(settings):
    settings.PRODUCTION = True  # SMS Manager without a key: off
    with pytest.raises(SmsUnsupported) as raised:
        provider_for("channels")
    assert raised.value.message == "No configured provider offers channel flow (Viber, WhatsApp…)."


def test_a_capability_without_its_own_message_is_named_by_its_label(monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "mms")
    capabilities_withdraw(monkeypatch, "justcall", "mms")  # JustCall offers MMS (issue #17)
    with pytest.raises(SmsUnsupported, match="^No configured provider offers MMS.$"):
        provider_for("mms")


def test_a_campaigns_provider_without_what_the_path_needs_is_refused():
    with pytest.raises(SmsUnsupported) as raised:
        provider_backend("smsmanager", needs="cancel")
    assert raised.value.message == "SMS Manager does not offer cancelling a sent batch."
    with provider_backend("justsend", needs="cancel") as backend:
        assert backend.name == "justsend"


def test_every_capability_has_a_label_and_every_message_a_capability():
    flags = {f.name for f in fields(Capabilities) if f.type in ("bool", bool)}
    assert flags == set(CAPABILITY_LABELS)
    assert set(CAPABILITY_MISSING) <= flags


@pytest.mark.django_db
def test_the_providers_page_and_command_name_the_new_capabilities(admin_client_panel):
    page = admin_client_panel.get("/providers/").content.decode()
    assert "Mail2SMS (e-mail to SMS)" in page
    assert "sending history and statistics at the provider" in page
    out = StringIO()
    call_command("providers", stdout=out)
    justsend = out.getvalue().splitlines()[0]
    assert "email_to_sms" in justsend and "statistics" in justsend


@pytest.mark.django_db
def test_the_connection_check_says_no_provider_reports_a_balance(admin_client_panel, monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "balance")
    response = admin_client_panel.post("/connection/")
    assert response.status_code == 200
    assert "No configured provider reports an account balance." in response.content.decode()
