import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.media.models import MediaFile
from campaigns.media.services import media_file_upload
from campaigns.models import Campaign
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from tests.campaigns.media.conftest import EXE, png_bytes

pytestmark = pytest.mark.django_db

ADD = reverse("admin:campaigns_mediafile_add")


def test_admin_uploads_through_the_service(admin_client_panel, administrator):
    response = admin_client_panel.post(
        ADD, {"upload": SimpleUploadedFile("logo.png", png_bytes())})
    assert response.status_code == 302
    media_file = MediaFile.objects.get()
    assert (media_file.content_type, media_file.uploaded_by) == ("image/png", administrator)
    assert AuditEntry.objects.filter(action=Action.MEDIA_UPLOADED, actor=administrator).exists()


def test_admin_refuses_a_renamed_exe(admin_client_panel):
    response = admin_client_panel.post(ADD, {"upload": SimpleUploadedFile("cat.png", EXE)})
    assert response.status_code == 200
    assert "cat.png is not an image (JPEG, PNG, GIF), a PDF" in response.content.decode()
    assert not MediaFile.objects.exists()


def test_admin_shows_a_file_read_only(admin_client_panel, administrator):
    media_file = media_file_upload(upload=SimpleUploadedFile("logo.png", png_bytes()),
                                   user=administrator)
    page = admin_client_panel.get(reverse("admin:campaigns_mediafile_change",
                                          args=[media_file.pk]))
    assert page.status_code == 200
    assert media_file.sha256 in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


def test_admin_delete_goes_through_the_in_use_check(admin_client_panel, administrator,
                                                    django_capture_on_commit_callbacks):
    used = media_file_upload(upload=SimpleUploadedFile("used.png", png_bytes()),
                             user=administrator)
    free = media_file_upload(upload=SimpleUploadedFile("free.png", png_bytes()),
                             user=administrator)
    Campaign.objects.create(name="Spring", message="Hi", provider="justcall", media=used)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_panel.post(
            reverse("admin:campaigns_mediafile_changelist"),
            {"action": "delete_files", "_selected_action": [used.pk, free.pk]},
            follow=True,
        )
    assert [str(message) for message in response.context["messages"]] == [
        "used.png cannot be deleted while it is used by: Spring.", "1 media file deleted."]
    assert list(MediaFile.objects.values_list("name", flat=True)) == ["used.png"]
    assert AuditEntry.objects.filter(action=Action.MEDIA_DELETED).count() == 1
