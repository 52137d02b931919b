"""Issue #17: a campaign or a single message with an MMS attachment goes out through a
provider with ``capabilities.mms`` (JustCall's simulator here), every message carrying the
file's absolute public URL; without ``PANEL_PUBLIC_URL`` nothing is recorded or sent."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.media.services import media_file_upload
from campaigns.models import Campaign, ProviderCall, Recipient, SentMessage
from campaigns.services import campaign_submit
from campaigns.services.test_send import SendRefused, campaign_test_send, single_message_send
from tests.campaigns.media.conftest import png_bytes
from tests.campaigns.services.conftest import campaign_make

pytestmark = pytest.mark.django_db

FROM = "+14155551234"  # one of the JustCall simulator's SMS-enabled numbers
SEND_PATH = "/justcall/v2/texts/send"


@pytest.fixture
def picture(marketing_user):
    return media_file_upload(upload=SimpleUploadedFile("offer.png", png_bytes()), user=marketing_user)


def public_url(media_file) -> str:
    return f"https://panel.example.com/m/{media_file.token}/offer.png"


def mms_campaign(user, media_file, **fields) -> Campaign:
    fields = {"status": Campaign.Status.QUEUED, **fields}
    return campaign_make(user, provider="justcall", sender=FROM, media=media_file,
                         pasted_numbers="+48500100200\n+48500100201", **fields)


def test_every_message_of_a_campaign_with_media_carries_its_public_url(
    panel_sandbox, marketing_user, picture
):
    campaign = mms_campaign(marketing_user, picture)
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING, campaign.failure_reason
    bodies = [entry["json"] for entry in panel_sandbox.requests(path=SEND_PATH)]
    assert sorted(body["to"] for body in bodies) == ["+48500100200", "+48500100201"]
    assert [body["media_url"] for body in bodies] == [public_url(picture)] * 2
    assert len(panel_sandbox.justcall_statuses()) == 2  # stored by the simulator as sent


def test_a_campaign_without_media_sends_no_media_url(panel_sandbox, marketing_user):
    campaign = mms_campaign(marketing_user, None)
    campaign_submit(campaign_id=campaign.pk)
    bodies = [entry["json"] for entry in panel_sandbox.requests(path=SEND_PATH)]
    assert len(bodies) == 2 and not any("media_url" in body for body in bodies)


def test_without_panel_public_url_the_campaign_fails_before_any_call_is_recorded(
    panel_sandbox, marketing_user, picture, settings
):
    campaign = mms_campaign(marketing_user, picture)
    settings.PANEL_PUBLIC_URL = ""
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FAILED
    assert campaign.failure_reason == (
        "The MMS attachment cannot be sent: PANEL_PUBLIC_URL is not set, so JustCall could not "
        "download the file. Set PANEL_PUBLIC_URL, then send again.")
    assert not ProviderCall.objects.filter(campaign=campaign).exists()
    assert not Recipient.objects.filter(campaign=campaign, status=Recipient.Status.IN_DOUBT).exists()
    assert panel_sandbox.requests(path=SEND_PATH) == []


def test_a_single_message_with_media_carries_its_public_url_and_records_the_file(
    panel_sandbox, marketing_user, picture
):
    token = uuid.uuid4()
    single_message_send(msisdn="48500100200", content="Our offer", provider="justcall",
                        sender=FROM, media=picture, token=token, user=marketing_user)

    [entry] = panel_sandbox.requests(path=SEND_PATH)
    assert (entry["json"]["to"], entry["json"]["media_url"]) == ("+48500100200", public_url(picture))
    sent = SentMessage.objects.get(token=token)
    assert (sent.media, sent.state) == (picture, SentMessage.State.SENT)
    assert sent.channel == "mms"  # JustCall reports no channel: an attachment makes it MMS


def test_a_single_message_without_media_through_a_one_channel_provider_goes_by_sms(
    panel_sandbox, marketing_user, marketing_client
):
    token = uuid.uuid4()
    single_message_send(msisdn="48500100200", content="Hello", provider="justcall",
                        sender=FROM, token=token, user=marketing_user)
    sent = SentMessage.objects.get(token=token)
    assert sent.channel == "sms"
    page = marketing_client.get(reverse("campaigns:sent_message_detail", args=[sent.pk])).content.decode()
    assert page.split('data-testid="sent-channel">')[1].split("</dd>")[0].strip() == "SMS"


def test_a_single_mms_message_page_shows_its_attachment(panel_sandbox, marketing_user, marketing_client,
                                                        picture):
    token = uuid.uuid4()
    single_message_send(msisdn="48500100200", content="Our offer", provider="justcall",
                        sender=FROM, media=picture, token=token, user=marketing_user)
    sent = SentMessage.objects.get(token=token)

    page = marketing_client.get(reverse("campaigns:sent_message_detail", args=[sent.pk])).content.decode()
    assert page.split('data-testid="sent-channel">')[1].split("</dd>")[0].strip() == "MMS"
    attachment = page.split('data-testid="sent-attachment"')[1].split("</dd>")[0]
    path = f"/m/{picture.token}/offer.png"
    assert f'href="{path}"' in attachment and f'src="{path}"' in attachment  # its thumbnail
    assert ">offer.png<" in attachment and "image/png" in attachment


def test_a_single_message_with_media_is_refused_before_anything_is_recorded(
    panel_sandbox, marketing_user, picture, settings
):
    settings.PANEL_PUBLIC_URL = ""
    with pytest.raises(SendRefused, match="PANEL_PUBLIC_URL is not set"):
        single_message_send(msisdn="48500100200", content="Our offer", provider="justcall",
                            sender=FROM, media=picture, token=uuid.uuid4(), user=marketing_user)
    settings.PANEL_PUBLIC_URL = "https://panel.example.com"
    with pytest.raises(SendRefused, match="SMS Manager cannot send an MMS attachment"):
        single_message_send(msisdn="48500100200", content="Our offer", provider="smsmanager",
                            media=picture, token=uuid.uuid4(), user=marketing_user)
    assert not SentMessage.objects.exists()
    assert panel_sandbox.requests(path=SEND_PATH) == []


def test_a_campaigns_test_send_carries_its_attachment(panel_sandbox, marketing_user, picture):
    campaign = mms_campaign(marketing_user, picture, status=Campaign.Status.DRAFT)
    campaign_test_send(campaign=campaign, msisdn="48500100300", token=uuid.uuid4(),
                       user=marketing_user)

    [entry] = panel_sandbox.requests(path=SEND_PATH)
    assert (entry["json"]["to"], entry["json"]["media_url"]) == ("+48500100300", public_url(picture))
    assert SentMessage.objects.get().media == picture
