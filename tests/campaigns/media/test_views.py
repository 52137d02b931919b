import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.media.models import MediaFile
from campaigns.media.services import media_file_upload
from campaigns.models import Campaign
from tests.campaigns.media.conftest import EXE, SAMPLES, png_bytes

pytestmark = pytest.mark.django_db

LIST = reverse("media:media_list")


@pytest.fixture
def logo(marketing_user):
    return media_file_upload(upload=SimpleUploadedFile("logo.png", png_bytes()),
                             user=marketing_user)


def test_the_pages_need_login(client, logo):
    for url in (LIST, reverse("media:media_delete", kwargs={"pk": logo.pk})):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_marketing_uploads_and_sees_the_file_listed(marketing_client):
    response = marketing_client.post(LIST, {"file": SimpleUploadedFile("logo.png", png_bytes())})
    assert response.status_code == 302
    media_file = MediaFile.objects.get()

    page = marketing_client.get(LIST).content.decode()
    path = f"/m/{media_file.token}/logo.png"
    assert f'<img src="{path}"' in page
    assert f"https://panel.example.com{path}" in page
    assert "data-testid=\"media-upload\"" in page
    assert reverse("media:media_delete", kwargs={"pk": media_file.pk}) in page


def test_a_renamed_exe_is_refused_with_a_message(marketing_client):
    response = marketing_client.post(LIST, {"file": SimpleUploadedFile("cat.png", EXE)})
    assert response.status_code == 400
    assert "cat.png is not an image (JPEG, PNG, GIF), a PDF" in response.content.decode()
    assert not MediaFile.objects.exists()


def test_the_size_is_formatted_by_the_page_language(marketing_client, logo):
    MediaFile.objects.filter(pk=logo.pk).update(size=1_572_864)  # 1.5 MB
    assert "1.5\xa0MB" in marketing_client.get(LIST).content.decode()
    assert "1,5\xa0MB" in marketing_client.get(LIST, HTTP_ACCEPT_LANGUAGE="pl").content.decode()


def test_the_page_says_when_panel_public_url_is_unset(marketing_client, logo, settings):
    assert 'data-testid="public-url-missing"' not in marketing_client.get(LIST).content.decode()
    settings.PANEL_PUBLIC_URL = ""
    page = marketing_client.get(LIST).content.decode()
    assert 'data-testid="public-url-missing"' in page
    assert "Not available: PANEL_PUBLIC_URL is not set" in page
    assert 'data-testid="media-url"' not in page


def test_a_viewer_sees_the_list_but_cannot_upload_or_delete(viewer_client, logo):
    page = viewer_client.get(LIST)
    assert page.status_code == 200
    content = page.content.decode()
    assert "logo.png" in content and 'data-testid="media-upload"' not in content
    delete = reverse("media:media_delete", kwargs={"pk": logo.pk})
    assert delete not in content

    upload = viewer_client.post(LIST, {"file": SimpleUploadedFile("x.png", png_bytes())})
    assert upload.status_code == 403
    assert viewer_client.get(delete).status_code == 403
    assert viewer_client.post(delete).status_code == 403
    assert MediaFile.objects.count() == 1


def test_marketing_deletes_a_file_nobody_uses(marketing_client, logo, media_root,
                                              django_capture_on_commit_callbacks):
    delete = reverse("media:media_delete", kwargs={"pk": logo.pk})
    assert 'data-testid="confirm"' in marketing_client.get(delete).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(delete)
    assert response.status_code == 302
    assert not MediaFile.objects.exists()
    assert not (media_root / logo.file.name).exists()


def test_delete_is_refused_while_a_draft_uses_it(marketing_client, logo):
    Campaign.objects.create(name="Spring", message="Hi", provider="justcall", media=logo)
    delete = reverse("media:media_delete", kwargs={"pk": logo.pk})
    assert 'data-testid="media-in-use"' in marketing_client.get(delete).content.decode()

    response = marketing_client.post(delete, follow=True)
    assert "logo.png cannot be deleted while it is used by: Spring." in (
        response.content.decode())
    assert MediaFile.objects.filter(pk=logo.pk).exists()


# --- the public URL -----------------------------------------------------------------------


@pytest.mark.parametrize(("content_type", "disposition"), [
    ("image/jpeg", "inline"), ("image/png", "inline"), ("image/gif", "inline"),
    ("video/mp4", "inline"), ("application/pdf", "attachment"), ("text/vcard", "attachment"),
])
def test_the_public_url_serves_the_file_without_login(client, marketing_user, content_type,
                                                      disposition):
    name, data = SAMPLES[content_type]
    media_file = media_file_upload(upload=SimpleUploadedFile(name, data), user=marketing_user)

    response = client.get(f"/m/{media_file.token}/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
    assert response["Content-Length"] == str(len(data))


def test_the_public_url_answers_404_for_anything_but_an_existing_file(
        client, logo, marketing_user, django_capture_on_commit_callbacks):
    assert client.get(f"/m/{logo.token}/logo.png").status_code == 200
    assert client.head(f"/m/{logo.token}/logo.png").status_code == 200
    assert client.post(f"/m/{logo.token}/logo.png").status_code == 405
    assert client.get(f"/m/{logo.token}/other.png").status_code == 404
    assert client.get(f"/m/{logo.token[:-1]}x/logo.png").status_code == 404
    assert client.get("/m/logo.png").status_code == 404

    logo.file.storage.delete(logo.file.name)  # the bytes lost, the row still there
    assert client.get(f"/m/{logo.token}/logo.png").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        from campaigns.media.services import media_file_delete
        media_file_delete(media_file=logo, user=marketing_user)
    assert client.get(f"/m/{logo.token}/logo.png").status_code == 404


def test_a_polish_name_is_served_at_its_encoded_url(client, marketing_user):
    media_file = media_file_upload(upload=SimpleUploadedFile("zdjęcie sklepu.png", png_bytes()),
                                   user=marketing_user)
    assert media_file.name == "zdjęcie_sklepu.png"
    url = f"/m/{media_file.token}/zdj%C4%99cie_sklepu.png"
    from campaigns.media.selectors import media_public_url
    assert media_public_url(media_file=media_file) == "https://panel.example.com" + url

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''zdj%C4%99cie_sklepu.png")
