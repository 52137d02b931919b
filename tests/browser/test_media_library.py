"""The media library in a real browser, in English and Polish: a PNG uploaded through the
form is listed with its thumbnail and size, and its public URL serves it to a browser that
is not logged in. Screenshots of each."""

import pytest

from campaigns.media.models import MediaFile
from tests.browser.test_formats import log_in_as, shoot
from tests.campaigns.media.conftest import png_bytes
from tests.factories.users import marketing_user_create

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("language", "locale", "size"), [
    ("en", "en-GB", "bytes"), ("pl", "pl-PL", "bajt"),
])
def test_a_png_is_uploaded_listed_and_served_at_its_public_url(
        browser, live_server, settings, tmp_path, language, locale, size):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PANEL_PUBLIC_URL = live_server.url
    user = marketing_user_create(username="marketer")
    image = png_bytes(40, 30)
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in_as(page, live_server, user)

    page.goto(f"{live_server.url}/media-library/")
    assert page.locator("html").get_attribute("lang") == language
    upload = page.get_by_test_id("media-upload")
    upload.locator("input[type=file]").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": image})
    upload.locator("button[type=submit]").click()
    page.wait_for_load_state()

    row = page.get_by_test_id("media-table").locator("tbody tr", has_text="logo.png")
    assert "image/png" in row.inner_text() and size in row.inner_text()
    thumbnail = row.locator("img")
    thumbnail.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 40",
                           arg=thumbnail.element_handle())
    url = row.get_by_test_id("media-url").inner_text().strip()
    media_file = MediaFile.objects.get()
    assert url == f"{live_server.url}/m/{media_file.token}/logo.png"
    shoot(page, f"media-library-{language}")

    stranger = browser.new_context()  # no session: what the provider downloads
    response = stranger.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == image
    public = stranger.new_page()
    public.goto(url)
    shoot(public, f"media-public-url-{language}")
    assert stranger.request.get(url[:-8] + "other.png").status == 404
    stranger.close()
    context.close()
