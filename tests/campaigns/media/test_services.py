import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.media.content import MAX_SIZE
from campaigns.media.exceptions import MediaError
from campaigns.media.models import MediaFile
from campaigns.media.selectors import (
    PUBLIC_URL_UNAVAILABLE,
    media_file_users,
    media_for_compose,
    media_public_url,
)
from campaigns.media.services import media_file_delete, media_file_upload
from campaigns.models import Campaign, SentMessage
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from tests.campaigns.media.conftest import EXE, SAMPLES, png_bytes

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_upload_keeps_the_file_with_its_detected_type(content_type, marketing_user, media_root):
    name, data = SAMPLES[content_type]
    # The browser's claimed type is ignored: the bytes decide.
    media_file = media_file_upload(upload=upload(name, data), user=marketing_user)

    media_file.refresh_from_db()
    assert media_file.name == name
    assert media_file.content_type == content_type
    assert media_file.size == len(data)
    assert media_file.sha256 == hashlib.sha256(data).hexdigest()
    assert media_file.uploaded_by == marketing_user
    stored = media_root / media_file.file.name
    assert stored.read_bytes() == data
    assert media_file.token not in name and media_file.token in media_file.file.name
    entry = AuditEntry.objects.get(action=Action.MEDIA_UPLOADED)
    assert (entry.actor, entry.object_id) == (marketing_user, str(media_file.pk))


def test_the_token_is_256_random_bits_and_new_for_every_file(marketing_user):
    name, data = SAMPLES["image/png"]
    first = media_file_upload(upload=upload(name, data), user=marketing_user)
    second = media_file_upload(upload=upload(name, data), user=marketing_user)
    assert first.token != second.token
    assert len(first.token) == 43  # secrets.token_urlsafe(32)
    assert set(first.token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_an_exe_renamed_png_is_refused_and_nothing_is_kept(marketing_user, media_root):
    with pytest.raises(MediaError) as refused:
        media_file_upload(upload=upload("cat.png", EXE, "image/png"), user=marketing_user)
    assert "cat.png is not an image (JPEG, PNG, GIF), a PDF" in refused.value.message
    assert not MediaFile.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.MEDIA_UPLOADED).exists()
    assert not (media_root / "mms").exists() or not any((media_root / "mms").iterdir())


def test_at_most_5_mb(marketing_user):
    head = png_bytes()
    exactly = upload("big.png", head + b"\x00" * (MAX_SIZE - len(head)))
    assert media_file_upload(upload=exactly, user=marketing_user).size == MAX_SIZE

    with pytest.raises(MediaError) as refused:
        media_file_upload(upload=upload("bigger.png", head + b"\x00" * (MAX_SIZE - len(head) + 1)),
                          user=marketing_user)
    assert refused.value.message == (
        "bigger.png is larger than 5.0\xa0MB, the most a media file may be.")
    assert MediaFile.objects.count() == 1


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd.png", "passwd.png"),
    ("C:\\Users\\ann\\photo.jpeg", None),
    ("holiday photo.PNG", "holiday_photo.PNG"),
    ("report.pdf", "report.pdf.png"),  # the bytes are a PNG: its URL ends in .png
])
def test_the_name_keeps_no_folder_and_ends_in_the_real_extension(given, kept, marketing_user):
    data = SAMPLES["image/jpeg"][1] if given.endswith(".jpeg") else png_bytes()
    media_file = media_file_upload(upload=upload(given, data), user=marketing_user)
    assert media_file.name == (kept or "photo.jpeg")


def test_the_public_url_is_panel_public_url_plus_the_path(marketing_user, settings):
    media_file = media_file_upload(upload=upload("logo.png", png_bytes()), user=marketing_user)
    assert media_public_url(media_file=media_file) == (
        f"https://panel.example.com/m/{media_file.token}/logo.png")

    settings.PANEL_PUBLIC_URL = ""
    assert media_public_url(media_file=media_file) is None
    assert str(PUBLIC_URL_UNAVAILABLE).startswith("Not available")


def _campaign(media_file, status):
    return Campaign.objects.create(name=f"Spring {status}", message="Hi", provider="justcall",
                                   status=status, media=media_file)


@pytest.mark.parametrize("status", [
    Campaign.Status.DRAFT, Campaign.Status.SCHEDULED, Campaign.Status.QUEUED,
    Campaign.Status.SUBMITTING, Campaign.Status.SENDING, Campaign.Status.CANCELLING,
])
def test_delete_is_refused_while_a_campaign_not_over_uses_it(status, marketing_user, media_root):
    media_file = media_file_upload(upload=upload("logo.png", png_bytes()), user=marketing_user)
    _campaign(media_file, status)

    with pytest.raises(MediaError) as refused:
        media_file_delete(media_file=media_file, user=marketing_user)
    assert refused.value.message == (
        f"logo.png cannot be deleted while it is used by: Spring {status}.")
    assert MediaFile.objects.filter(pk=media_file.pk).exists()
    assert (media_root / media_file.file.name).exists()


def test_delete_is_refused_while_a_single_message_with_it_is_being_sent(marketing_user):
    media_file = media_file_upload(upload=upload("logo.png", png_bytes()), user=marketing_user)
    SentMessage.objects.create(token=uuid.uuid4(), msisdn="48500123123", provider="justcall",
                               variant="ECO", content="Hi", media=media_file)
    assert media_file_users(media_file=media_file) == ["48500123123"]
    with pytest.raises(MediaError):
        media_file_delete(media_file=media_file, user=marketing_user)


@pytest.mark.parametrize("status", [
    Campaign.Status.FINISHED, Campaign.Status.CANCELLED, Campaign.Status.FAILED,
])
def test_delete_once_every_campaign_using_it_is_over(status, marketing_user, media_root,
                                                      django_capture_on_commit_callbacks):
    media_file = media_file_upload(upload=upload("logo.png", png_bytes()), user=marketing_user)
    campaign = _campaign(media_file, status)
    stored = media_root / media_file.file.name

    with django_capture_on_commit_callbacks(execute=True):
        media_file_delete(media_file=media_file, user=marketing_user)

    assert not MediaFile.objects.exists()
    assert not stored.exists()
    campaign.refresh_from_db()
    assert campaign.media is None
    entry = AuditEntry.objects.get(action=Action.MEDIA_DELETED)
    assert (entry.actor, entry.object_label) == (marketing_user, "logo.png")


def test_media_for_compose_lists_every_file_newest_first(marketing_user):
    older = media_file_upload(upload=upload("a.png", png_bytes()), user=marketing_user)
    newer = media_file_upload(upload=upload("b.pdf", SAMPLES["application/pdf"][1]),
                              user=marketing_user)
    assert list(media_for_compose()) == [newer, older]


def test_a_failed_save_leaves_no_stored_file(marketing_user, media_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("campaigns.media.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        media_file_upload(upload=upload("logo.png", png_bytes()), user=marketing_user)
    assert not MediaFile.objects.exists()
    assert list((media_root / "mms").iterdir()) == []
