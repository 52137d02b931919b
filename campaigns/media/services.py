"""Writing the media library: upload (type read from the bytes) and delete."""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import PurePath

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.exceptions import CampaignError
from campaigns.media.content import HEAD_SIZE, MAX_SIZE, MEDIA_TYPES, media_type_detect
from campaigns.media.exceptions import MediaError
from campaigns.media.models import MediaFile
from campaigns.media.selectors import media_file_users
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record

logger = logging.getLogger(__name__)

NAME_MAX = MediaFile._meta.get_field("name").max_length
# Extensions a name may keep for each type; any other gets the type's own appended.
EXTENSIONS = {
    "image/jpeg": {".jpg", ".jpeg", ".jpe"},
    "text/vcard": {".vcf", ".vcard"},
}


def _display_name(uploaded_name: str, content_type: str) -> str:
    """The uploaded name without any folder, safe in a URL and a header, and ending in an
    extension of its real type (a carrier may judge a file by the end of its URL)."""
    kind = MEDIA_TYPES[content_type]
    name = get_valid_filename(PurePath(uploaded_name.replace("\\", "/")).name or "file")
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS.get(content_type, {kind.extension}):
        name += kind.extension
    stem, suffix = name[: -len(PurePath(name).suffix)], PurePath(name).suffix
    return stem[: NAME_MAX - len(suffix)] + suffix


def media_file_upload(*, upload, user) -> MediaFile:
    """Keep an uploaded file (a Django ``UploadedFile``) in the library, refusing anything
    over 5 MB and anything whose bytes are not JPEG, PNG, GIF, PDF, vCard or MP4."""
    if upload.size > MAX_SIZE:
        raise MediaError(
            _("%(name)s is larger than %(limit)s, the most a media file may be.")
            % {"name": upload.name, "limit": filesizeformat(MAX_SIZE)}
        )
    upload.seek(0)
    kind = media_type_detect(upload.read(HEAD_SIZE))
    if kind is None:
        raise MediaError(
            _("%(name)s is not an image (JPEG, PNG, GIF), a PDF, a vCard (VCF) or an MP4 "
              "video: the file's content was checked, not only its name.")
            % {"name": upload.name}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    media_file = MediaFile(
        name=_display_name(upload.name, kind.content_type), content_type=kind.content_type,
        size=upload.size, sha256=digest.hexdigest(), token=secrets.token_urlsafe(32),
        uploaded_by=user,
    )
    upload.seek(0)
    media_file.file.save(media_file.name, upload, save=False)
    try:
        with transaction.atomic():
            media_file.save()
            audit_record(
                action=Action.MEDIA_UPLOADED, actor=user, obj=media_file,
                summary=gettext_noop("%(type)s, %(size)s bytes"),
                summary_params={"type": kind.content_type, "size": str(media_file.size)},
            )
    except BaseException:
        media_file.file.storage.delete(media_file.file.name)  # no row names it
        raise
    logger.info("Media: %s uploaded file %s (%s, %s bytes)", user, media_file.pk,
                kind.content_type, media_file.size)
    return media_file


def media_file_lock(*, pk: int) -> None:
    """Lock the file's row in the caller's transaction, so that a delete (which looks for
    what uses the file) cannot slip in before the caller's row names it; CampaignError when
    the file is gone."""
    if not MediaFile.objects.select_for_update().filter(pk=pk).exists():
        raise CampaignError(_("The MMS attachment was deleted meanwhile: choose another file."))


def media_file_delete(*, media_file: MediaFile, user) -> None:
    """Delete a file and its stored bytes, refused while a campaign that is not over or a
    single message being sent uses it (the provider may still download it)."""
    with transaction.atomic():
        locked = MediaFile.objects.select_for_update().filter(pk=media_file.pk).first()
        if locked is None:
            return  # deleted meanwhile: nothing left to do
        users = media_file_users(media_file=locked)
        if users:
            raise MediaError(
                _("%(name)s cannot be deleted while it is used by: %(users)s.")
                % {"name": locked.name, "users": ", ".join(users)}
            )
        stored, storage = locked.file.name, locked.file.storage
        audit_record(
            action=Action.MEDIA_DELETED, actor=user, obj=locked,
            summary=gettext_noop("%(type)s, %(size)s bytes"),
            summary_params={"type": locked.content_type, "size": str(locked.size)},
        )
        locked.delete()
        transaction.on_commit(lambda: storage.delete(stored))
    logger.info("Media: %s deleted file %s", user, media_file.pk)
