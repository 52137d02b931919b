"""Issue #17 in Chromium, the compose page's part only (the full MMS journey is the next
step's): the "Media (MMS)" select shows while a provider that sends MMS is chosen, and a
file chosen there is cleared when another provider is chosen, so it is never posted
hidden (the server would refuse it, on a field the user cannot see)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from justsend_panel.core.models import ProviderSetting
from campaigns import provider_options
from campaigns.media.services import media_file_upload
from campaigns.models import Campaign
from tests.browser.test_campaign_composer import logged_in
from tests.campaigns.media.conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.mark.django_db(transaction=True)
def test_the_media_select_follows_the_provider_and_its_choice_is_saved(
    browser, live_server, marketing_user, monkeypatch, settings, tmp_path
):
    assert "justcall" in provider_options.COMPOSABLE
    ProviderSetting.objects.create(provider="justcall", from_numbers=["+14155551234"])
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PANEL_PUBLIC_URL = live_server.url
    picture = media_file_upload(upload=SimpleUploadedFile("offer.png", png_bytes()),
                                user=marketing_user)
    page = logged_in(browser, live_server, marketing_user, locale="en-US")
    page.goto(f"{live_server.url}/campaigns/new/")
    mms_block = page.get_by_test_id("options-mms")
    assert mms_block.is_hidden()  # Justsend first: no MMS

    page.fill("#id_name", "Spring MMS")
    page.fill("#id_message", "Spring sale: see the picture")
    page.fill("#id_pasted_numbers", "500 100 200")
    page.select_option("#id_provider", "justcall")
    assert mms_block.is_visible()
    page.select_option("#id_media", str(picture.pk))

    page.select_option("#id_provider", "justsend")
    assert mms_block.is_hidden() and page.input_value("#id_media") == ""
    page.select_option("#id_provider", "justcall")
    assert page.input_value("#id_media") == ""  # cleared, not kept hidden
    page.select_option("#id_media", str(picture.pk))

    page.click("form[data-compose] button[type=submit]")
    page.wait_for_url("**/preview/")
    assert Campaign.objects.get().media == picture
    assert page.get_by_test_id("attachment-thumbnail").is_visible()
