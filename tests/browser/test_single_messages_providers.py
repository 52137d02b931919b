"""Issue #17's acceptance in Chromium, in English and Polish: a marketer uploads a PNG on the
Media page and sends it as a JustCall MMS single message, then sends an SMS.by single message
forwarded to Viber; each message's page shows its status once it arrives: JustCall's by the
simulator's callback to the message's signed webhook URL (applied by the real worker),
SMS.by's by the beat task "Poll single messages' statuses" run by the real worker. The
sandbox's clock is manual: the test moves it, so the 5 minutes of forwarding pass at once.
Screenshots of both forms and both message pages go to artifacts/screenshots/."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from campaigns.media.models import MediaFile
from campaigns.models import Recipient, SentMessage
from campaigns.provider_options import CHANNEL_LABELS
from justsend_panel.celery import app as celery_app
from justsend_panel.core.models import ProviderSetting
from justsend_panel.sandbox.smsby.simulator import UNREACHABLE_BY_SMS
from tests.browser.test_campaign_composer import logged_in, polish, shot
from tests.campaigns.media.conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SECRET = "single-messages-justcall-secret-0123456789"
FROM = "+14155551234"  # one of the JustCall simulator's numbers
ALPHANAME_ID, VIBERNAME_ID = "7", 3
POLL_TASK = "campaigns.single_messages_poll"
FINAL = (Recipient.Status.DELIVERED, Recipient.Status.UNDELIVERED, Recipient.Status.EXPIRED,
         Recipient.Status.FAILED)


def reload_until(page: Page, locator: Locator, text, *, between: Callable[[], object], rounds: int = 40) -> None:
    """The message page does not refresh itself: reload it until ``locator`` shows ``text``,
    each round moving the world on first (``between``) and letting ``expect`` retry a while."""
    for _ in range(rounds - 1):
        between()
        page.reload()
        try:
            expect(locator).to_contain_text(text, timeout=3_000)
            return
        except AssertionError:
            continue
    between()
    page.reload()
    expect(locator).to_contain_text(text, timeout=10_000)


def upload_png(page: Page, live_server, image: bytes) -> None:
    page.goto(f"{live_server.url}/media-library/")
    upload = page.get_by_test_id("media-upload")
    upload.locator("input[type=file]").set_input_files(
        {"name": "offer.png", "mimeType": "image/png", "buffer": image})
    upload.locator("button[type=submit]").click()
    expect(page.get_by_test_id("media-table").locator("tbody tr", has_text="offer.png")).to_be_visible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-US", "pl-PL"])
def test_a_justcall_mms_and_an_smsby_message_forwarded_to_viber_show_their_statuses(
    browser, live_server, panel_sandbox, celery_worker_process, marketing_user, settings, tmp_path, locale
):
    language = locale[:2]
    words = polish if language == "pl" else str
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PANEL_PUBLIC_URL = live_server.url  # the media URL and JustCall's callbacks
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    settings.POSTBACK_APPLY_DELAY = 0.2
    # What an administrator sets on the Providers page.
    ProviderSetting.objects.create(provider="justcall", from_numbers=[FROM])
    ProviderSetting.objects.create(provider="smsby", default_sender=ALPHANAME_ID, vibername_id=VIBERNAME_ID)
    image = png_bytes(48, 32)
    page = logged_in(browser, live_server, marketing_user, locale=locale)
    assert page.locator("html").get_attribute("lang") == language

    # a. The picture, uploaded on the Media page.
    upload_png(page, live_server, image)
    picture = MediaFile.objects.get()

    # b. A JustCall MMS: From number, recipient, text and the picture.
    page.goto(f"{live_server.url}/campaigns/single-messages/new/")
    page.fill("#id_msisdn", "+48 500 100 200")
    page.select_option("#id_provider", "justcall")
    expect(page.get_by_test_id("options-mms")).to_be_visible()
    page.select_option("#id_justcall_sender", FROM)
    page.select_option("#id_media", str(picture.pk))
    page.fill("#id_content", "Spring sale: see the picture")
    shot(page, f"single-justcall-mms-form-{language}")
    page.get_by_test_id("single-message-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/campaigns/single-messages/sent/\d+/$"))
    mms = SentMessage.objects.get(provider="justcall")
    assert page.url.endswith(f"/campaigns/single-messages/sent/{mms.pk}/")
    assert (mms.msisdn, mms.sender, mms.media) == ("48500100200", FROM, picture)
    attachment = page.get_by_test_id("sent-attachment")  # the picture, on the message's page
    expect(attachment.get_by_test_id("attachment-name")).to_have_text("offer.png")
    thumbnail = attachment.get_by_test_id("attachment-thumbnail")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 48", arg=thumbnail.element_handle())

    # JustCall was asked for an MMS with the picture's public URL, which serves it to anyone.
    [call] = panel_sandbox.requests(path="/justcall/v2/texts/send")
    media_url = f"{live_server.url}/m/{picture.token}/offer.png"
    assert call["json"]["media_url"] == media_url  # the log keeps the webhook URL out
    stranger = browser.new_context()
    served = stranger.request.get(media_url)
    assert (served.status, served.body()) == (200, image)
    stranger.close()

    # c. Its status, from the simulator's callback applied by the worker.
    final_labels = "|".join(re.escape(words(status.label)) for status in FINAL)
    reload_until(page, page.get_by_test_id("sent-status"), re.compile(final_labels),
                 between=lambda: panel_sandbox.advance(30))
    mms.refresh_from_db()
    assert mms.delivery_status in FINAL
    expect(page.get_by_test_id("sent-status")).to_contain_text(words(Recipient.Status(mms.delivery_status).label))
    shot(page, f"single-justcall-mms-sent-{language}")

    # d. An SMS.by message to a number SMS never reaches, forwarded to Viber after 5 minutes.
    page.goto(f"{live_server.url}/campaigns/single-messages/new/")
    page.fill("#id_msisdn", f"+{UNREACHABLE_BY_SMS}")  # a valid Belarusian mobile
    page.select_option("#id_provider", "smsby")
    expect(page.get_by_test_id("options-mms")).to_be_hidden()  # SMS.by sends no MMS
    expect(page.locator("#id_smsby_sender")).to_have_value(ALPHANAME_ID)
    page.check("#id_smsby_forwarding_message")
    page.fill("#id_smsby_forwarding_time", "5")
    page.fill("#id_content", "Your order has shipped")
    shot(page, f"single-smsby-viber-form-{language}")
    page.get_by_test_id("single-message-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/campaigns/single-messages/sent/\d+/$"))
    viber = SentMessage.objects.get(provider="smsby")
    assert viber.provider_options == {"alphaname_id": int(ALPHANAME_ID), "forwarding_message": True,
                                      "forwarding_time": 5, "vibername_id": VIBERNAME_ID}
    expect(page.get_by_test_id("sent-forwarding")).to_be_visible()
    expect(page.get_by_test_id("sent-status")).not_to_contain_text(words(Recipient.Status.DELIVERED.label))

    # Past SMS's chance and the forwarding time; then the beat task, as beat would send it.
    panel_sandbox.advance(10)
    panel_sandbox.advance(5 * 60)
    reload_until(page, page.get_by_test_id("sent-status"), words(Recipient.Status.DELIVERED.label),
                 between=lambda: celery_app.send_task(POLL_TASK))
    expect(page.get_by_test_id("sent-channel")).to_have_text(CHANNEL_LABELS["viber"])
    viber.refresh_from_db()
    assert (viber.delivery_status, viber.channel) == (Recipient.Status.DELIVERED, "viber")
    shot(page, f"single-smsby-viber-sent-{language}")
