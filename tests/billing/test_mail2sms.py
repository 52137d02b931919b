import pytest

from justsend_panel.core.provider import provider_backend
from justsend_panel.sms.justsend.types import BulkVariant, Country

pytestmark = pytest.mark.django_db

CODES = "/api/mail2sms/config/auth-codes"

VOICE = {
    "bulk_variant": "VOICE", "sender_override": "VOICE", "min_period": "1", "max_period": "2",
    "max_count": "3", "pause": "2", "voice_language": "POLISH", "repeat_dtmf": "on",
}


def _codes():
    with provider_backend("justsend").client() as client:
        return client.list_auth_codes()


def _create(**kwargs):
    with provider_backend("justsend").client() as client:
        return client.create_auth_code(**kwargs)


def test_lists_codes_and_whitelist(admin_client_panel, panel_sandbox, django_assert_max_num_queries):
    _create(sender_override="MYBRAND", bulk_variant=BulkVariant.PRO)
    _create(sender_override="ABROAD", bulk_variant=BulkVariant.INTER, country=Country.SLOVAKIA)
    panel_sandbox.add_whitelist("shop@example.com")
    with django_assert_max_num_queries(8):
        response = admin_client_panel.get("/billing/mail2sms/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "MYBRAND" in page and "ABROAD" in page and "Slovakia" in page
    assert "shop@example.com" in page


# A FULL code's sender is one of the ten fixed headings (manual 3.1, 5.2.1).
@pytest.mark.parametrize(("variant", "sender"), [("ECO", "MYBRAND"), ("FULL", "INFORMATION"), ("PRO", "MYBRAND")])
def test_creates_a_code_with_a_sender_override(admin_client_panel, panel_sandbox, variant, sender):
    response = admin_client_panel.post(
        "/billing/mail2sms/codes/new/", {"bulk_variant": variant, "sender_override": sender}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/billing/mail2sms/"
    assert "saved" in response.content.decode()
    [code] = _codes()
    assert (str(code.bulk_variant), code.sender_override) == (variant, sender)
    assert panel_sandbox.requests(path=CODES)[0]["method"] == "POST"
    # The list was fetched again after the change, not served from the cache.
    assert sender in response.content.decode()


def test_a_full_code_takes_only_one_of_the_ten_headings(admin_client_panel, panel_sandbox):
    """Issue 13 point 9: a free-text FULL sender went to Justsend."""
    page = admin_client_panel.post(
        "/billing/mail2sms/codes/new/", {"bulk_variant": "FULL", "sender_override": "MYBRAND"}
    ).content.decode()
    assert "FULL needs one of the ten headings" in page
    assert not panel_sandbox.requests(path=CODES)


def test_the_service_refuses_a_free_text_full_sender_too(panel_sandbox):
    from billing.services import AuthCodeSettings, auth_code_create
    from justsend_panel.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="ten headings"):
        auth_code_create(code_settings=AuthCodeSettings(bulk_variant=BulkVariant.FULL,
                                                        sender_override="MYBRAND"))
    assert not panel_sandbox.requests(path=CODES)


def test_creates_inter_with_a_country_and_voice_with_settings(admin_client_panel, panel_sandbox):
    admin_client_panel.post(
        "/billing/mail2sms/codes/new/",
        {"bulk_variant": "INTER", "sender_override": "ABROAD", "country": "GERMANY"},
    )
    admin_client_panel.post("/billing/mail2sms/codes/new/", VOICE)
    inter, voice = _codes()
    assert inter.properties == {"country": "GERMANY"}
    config = voice.properties["voiceConfig"]
    assert (config["minPeriod"], config["maxPeriod"], config["maxCount"], config["pause"]) == (1, 2, 3, 2)
    assert config["repeatDtmf"] is True and config["voiceLanguage"] == "POLISH"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_count": "5"}, "less than or equal to 4"),
        ({"pause": "11"}, "less than or equal to 10"),
        ({"pause": "-1"}, "greater than or equal to 0"),
        ({"min_period": "5", "max_period": "2"}, "Must not be less than the minimum wait."),
        ({"max_count": ""}, "Required for VOICE."),
        ({"voice_language": "polish;"}, "Capital letters"),
    ],
)
def test_voice_settings_are_checked_before_justsend_is_asked(admin_client_panel, panel_sandbox, changes, message):
    response = admin_client_panel.post("/billing/mail2sms/codes/new/", {**VOICE, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not panel_sandbox.requests(path=CODES)


def test_inter_needs_a_country_and_every_code_a_sender(admin_client_panel, panel_sandbox):
    page = admin_client_panel.post(
        "/billing/mail2sms/codes/new/",
        {"bulk_variant": "INTER", "sender_override": "X", "country": "POLAND"},
    ).content.decode()
    assert "Select a valid choice" in page  # INTER is for abroad: the manual's list lacks Poland
    page = admin_client_panel.post(
        "/billing/mail2sms/codes/new/", {"bulk_variant": "INTER", "sender_override": "X"}
    ).content.decode()
    assert "An INTER code needs a country." in page
    page = admin_client_panel.post("/billing/mail2sms/codes/new/", {"bulk_variant": "PRO"}).content.decode()
    assert "This field is required." in page
    assert not panel_sandbox.requests(path=CODES)


def test_justsend_refusal_shows_on_the_form_and_keeps_the_input(admin_client_panel, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    response = admin_client_panel.post(
        "/billing/mail2sms/codes/new/", {"bulk_variant": "PRO", "sender_override": "KEEPME"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Justsend did not save it" in page
    assert 'value="KEEPME"' in page


def test_edit_starts_from_current_values_and_saves(admin_client_panel, panel_sandbox):
    code = _create(sender_override="OLD", bulk_variant=BulkVariant.INTER, country=Country.SPAIN)
    url = f"/billing/mail2sms/codes/{code.id}/edit/"
    form = admin_client_panel.get(url).context["form"]
    assert form.initial["sender_override"] == "OLD" and form.initial["country"] == "SPAIN"
    response = admin_client_panel.post(
        url, {"bulk_variant": "INTER", "sender_override": "NEW", "country": "ITALY"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/billing/mail2sms/"
    [saved] = _codes()
    assert saved.sender_override == "NEW" and saved.properties["country"] == "ITALY"
    assert "PUT" in [r["method"] for r in panel_sandbox.requests(path=CODES)]


def test_edit_of_a_code_that_is_gone(admin_client_panel, panel_sandbox):
    response = admin_client_panel.get("/billing/mail2sms/codes/nope/edit/", follow=True)
    assert "no longer exists" in response.content.decode()
    response = admin_client_panel.post(
        "/billing/mail2sms/codes/nope/edit/", {"bulk_variant": "PRO", "sender_override": "X"}, follow=True
    )
    assert "no longer exists" in response.content.decode()


def test_delete_asks_first_then_deletes(admin_client_panel, panel_sandbox):
    code = _create(sender_override="BYE", bulk_variant=BulkVariant.ECO)
    url = f"/billing/mail2sms/codes/{code.id}/delete/"
    confirm = admin_client_panel.get(url)
    assert confirm.status_code == 200 and "BYE" in confirm.content.decode()
    assert len(_codes()) == 1  # a GET deletes nothing
    response = admin_client_panel.post(url, follow=True)
    assert "Authorisation code deleted." in response.content.decode()
    assert _codes() == []
    again = admin_client_panel.post(url, follow=True)
    assert "already gone" in again.content.decode()


def test_whitelist_entry_is_removed_after_confirmation(admin_client_panel, panel_sandbox):
    entry = panel_sandbox.add_whitelist("old@example.com")
    url = f"/billing/mail2sms/whitelist/{entry['id']}/delete/"
    assert "old@example.com" in admin_client_panel.get(url).content.decode()
    response = admin_client_panel.post(url, follow=True)
    assert "removed from the whitelist" in response.content.decode()
    with provider_backend("justsend").client() as client:
        assert client.list_whitelist() == []


def test_delete_failure_is_reported_and_nothing_is_lost(admin_client_panel, panel_sandbox):
    code = _create(sender_override="STAY", bulk_variant=BulkVariant.ECO)
    panel_sandbox.set_faults(rate_500=1)
    url = f"/billing/mail2sms/codes/{code.id}/delete/"
    response = admin_client_panel.post(url, follow=True)
    assert "Justsend did not delete it" in response.content.decode()
    panel_sandbox.set_faults(rate_500=0)
    assert len(_codes()) == 1


def test_unreachable_justsend_on_the_list(admin_client_panel, unreachable_justsend):
    response = admin_client_panel.get("/billing/mail2sms/")
    assert response.status_code == 200
    assert 'data-testid="reading-error"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/billing/mail2sms/",
        "/billing/mail2sms/codes/new/",
        "/billing/mail2sms/codes/abc/edit/",
        "/billing/mail2sms/codes/abc/delete/",
        "/billing/mail2sms/whitelist/abc/delete/",
    ],
)
def test_marketing_cannot_change_mail2sms(marketing_client, panel_sandbox, url):
    assert marketing_client.get(url).status_code == 403
    assert marketing_client.post(url, {"bulk_variant": "PRO", "sender_override": "X"}).status_code == 403
    assert not panel_sandbox.requests(path=CODES)
