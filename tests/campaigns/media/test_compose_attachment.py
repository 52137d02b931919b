"""Issue #17: the composer attaches a media file to a campaign or single message of a
provider that sends MMS (``capabilities.mms``; JustCall today), refuses it for any other,
and says MMS needs ``PANEL_PUBLIC_URL`` when it is unset. The campaign keeps its file when
edited or duplicated; the preview, the confirmation and the campaign page show it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justsend_panel.core.models import ProviderSetting
from campaigns import provider_options
from campaigns.exceptions import CampaignError
from campaigns.forms import CampaignForm, SingleMessageForm
from campaigns.media.models import MediaFile
from campaigns.media.services import media_file_upload
from campaigns.models import Campaign
from campaigns.services.editing import campaign_create, campaign_duplicate, campaign_update
from tests.campaigns.media.conftest import SAMPLES, png_bytes
from tests.campaigns.services.conftest import campaign_make
from tests.fixtures.providers import capabilities_withdraw

pytestmark = pytest.mark.django_db

FROM = "+14155551234"
REFUSED = "Justsend cannot send an MMS: choose “None” here, or a provider that sends MMS."


@pytest.fixture
def justcall_composable(db):
    """JustCall offered in the forms, with the simulator's From number listed by the
    administrator (the From select offers only those)."""
    assert "justcall" in provider_options.COMPOSABLE
    ProviderSetting.objects.update_or_create(provider="justcall", defaults={"from_numbers": [FROM]})


@pytest.fixture
def picture(marketing_user):
    return media_file_upload(upload=SimpleUploadedFile("offer.png", png_bytes()), user=marketing_user)


@pytest.fixture
def invoice(marketing_user):
    name, data = SAMPLES["application/pdf"]
    return media_file_upload(upload=SimpleUploadedFile(name, data), user=marketing_user)


def campaign_post(**fields) -> dict:
    return {"name": "Spring sale", "bulk_type": "STANDARD", "message": "Hello",
            "pasted_numbers": "500 100 200", "when": "now", "variant": "ECO", **fields}


def single_post(**fields) -> dict:
    return {"msisdn": "500 100 200", "content": "Hello", "variant": "ECO", **fields}


# --- the select -------------------------------------------------------------------------


def test_the_media_select_is_offered_for_a_provider_that_sends_mms(justcall_composable, picture, invoice):
    for form in (CampaignForm(), SingleMessageForm()):
        assert form.mms_providers == ["justcall"]
        assert [label for _value, label in form.fields["media"].choices] == [
            "None: a text message", "invoice.pdf", "offer.png"]
        assert not form.fields["media"].disabled


def test_no_media_select_without_a_provider_that_sends_mms(justcall_composable, monkeypatch, picture):
    capabilities_withdraw(monkeypatch, "justcall", "mms")
    assert "media" not in CampaignForm().fields
    assert "media" not in SingleMessageForm().fields


def test_the_pages_show_the_select_only_while_an_mms_provider_is_chosen(
    justcall_composable, marketing_client, picture
):
    for url in (reverse("campaigns:campaign_create"), reverse("campaigns:single_message_send")):
        html = marketing_client.get(url).content.decode()
        assert '<div data-show-if="provider=justcall" data-clear-when-hidden data-testid="options-mms">' in html
        assert 'data-testid="media"' in html and "offer.png" in html
        assert 'data-testid="mms-needs-public-url"' not in html


def test_a_file_for_a_provider_without_mms_is_refused(justcall_composable, picture):
    form = CampaignForm(data=campaign_post(provider="justsend", media=picture.pk))
    assert not form.is_valid() and form.errors["media"] == [REFUSED]
    form = SingleMessageForm(data=single_post(provider="justsend", media=picture.pk))
    assert not form.is_valid() and form.errors["media"] == [REFUSED]
    # The services refuse it too (a script, an admin action).
    with pytest.raises(CampaignError, match="Justsend cannot send an MMS attachment"):
        campaign_create(user=None, data={"name": "x", "message": "Hello", "media": picture})


def test_without_panel_public_url_the_select_is_disabled_and_the_page_says_why(
    justcall_composable, marketing_client, picture, settings
):
    settings.PANEL_PUBLIC_URL = ""
    form = CampaignForm(data=campaign_post(provider="justcall", justcall_sender=FROM, media=picture.pk))
    assert form.fields["media"].disabled
    assert form.is_valid(), form.errors
    assert form.campaign_data()["media"] is None  # a posted choice is ignored
    html = marketing_client.get(reverse("campaigns:campaign_create")).content.decode()
    assert 'data-testid="mms-needs-public-url"' in html
    assert "MMS needs the panel&#x27;s public address: set PANEL_PUBLIC_URL" in html
    [select] = re.findall(r'<select name="media"[^>]*>', html)
    assert " disabled" in select


def test_a_campaign_keeps_its_attachment_when_edited_or_duplicated(justcall_composable, marketing_user, picture):
    form = CampaignForm(data=campaign_post(provider="justcall", justcall_sender=FROM, media=picture.pk))
    assert form.is_valid(), form.errors
    campaign = campaign_create(user=marketing_user, data=form.campaign_data())
    assert campaign.media == picture

    form = CampaignForm(campaign=campaign)
    assert form["media"].value() == picture.pk  # the edit page opens with the file chosen
    edited = CampaignForm(data=campaign_post(provider="justcall", justcall_sender=FROM,
                                             media=picture.pk, name="Renamed"),
                          campaign=campaign)
    assert edited.is_valid(), edited.errors
    campaign_update(campaign=campaign, data=edited.campaign_data())
    campaign.refresh_from_db()
    assert (campaign.name, campaign.media) == ("Renamed", picture)

    assert campaign_duplicate(campaign=campaign, user=marketing_user).media == picture


def test_the_single_message_form_hands_the_file_to_the_service(justcall_composable, picture):
    form = SingleMessageForm(data=single_post(provider="justcall", justcall_sender=FROM, media=picture.pk))
    assert form.is_valid(), form.errors
    assert form.send_arguments()["media"] == picture


# --- preview, confirmation, campaign page ---------------------------------------------------


def test_the_preview_shows_an_image_and_says_what_the_estimate_counts(
    justcall_composable, marketing_client, marketing_user, picture
):
    campaign = campaign_make(marketing_user, provider="justcall", sender=FROM, media=picture,
                             pasted_numbers="+48500100200\n+48500100201", message="x" * 170)
    path = f"/m/{picture.token}/offer.png"

    html = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk])).content.decode()
    assert f'<img src="{path}" alt="offer.png"' in html and 'data-testid="attachment-thumbnail"' in html
    assert "image/png" in html
    assert ("The estimate counts the parts of the text; JustCall bills the MMS attachment "
            "itself at its own rate.") in html
    assert '<dt class="col-7 fw-normal">Parts billed</dt><dd class="col-5 text-end">4</dd>' in html

    html = marketing_client.get(reverse("campaigns:campaign_launch", args=[campaign.pk])).content.decode()
    assert 'data-testid="confirm-attachment"' in html and f'<img src="{path}"' in html
    html = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="attachment"' in html and f'<img src="{path}"' in html


def test_the_preview_names_a_file_that_is_not_an_image_with_its_type_and_size(
    justcall_composable, marketing_client, marketing_user, invoice
):
    campaign = campaign_make(marketing_user, provider="justcall", sender=FROM, media=invoice,
                             pasted_numbers="+48500100200")
    html = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk])).content.decode()
    assert 'data-testid="attachment-thumbnail"' not in html
    assert "invoice.pdf" in html and "· application/pdf · " in html
    assert f"{invoice.size}\xa0bytes" in html


def test_a_campaign_without_media_shows_no_attachment(justcall_composable, marketing_client, marketing_user):
    campaign = campaign_make(marketing_user, provider="justcall", sender=FROM, pasted_numbers="+48500100200")
    html = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk])).content.decode()
    assert 'data-testid="attachment"' not in html and 'data-testid="mms-cost-note"' not in html


def test_a_file_deleted_while_the_form_was_open_is_refused_not_saved(
    justcall_composable, marketing_user, picture
):
    form = CampaignForm(data=campaign_post(provider="justcall", justcall_sender=FROM, media=picture.pk))
    assert form.is_valid(), form.errors
    MediaFile.objects.filter(pk=picture.pk).delete()
    with pytest.raises(CampaignError, match="The MMS attachment was deleted meanwhile"):
        campaign_create(user=marketing_user, data=form.campaign_data())
    assert not Campaign.objects.exists()
