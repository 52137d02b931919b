from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.models import TimeStampedModel

__all__ = ["MediaFile"]


def media_file_path(instance: "MediaFile", filename: str) -> str:
    """Stored under the token, never the uploaded name: a name chosen by the uploader
    decides nothing about where the file lands."""
    return f"mms/{instance.token}{instance.media_type.extension}"


class MediaFile(TimeStampedModel):
    """An image, PDF, vCard or video an MMS carries: the provider downloads it from
    ``/m/<token>/<name>`` (public, so the token is the only secret)."""

    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=media_file_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )

    class Meta:
        app_label = "campaigns"
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def media_type(self):
        from campaigns.media.content import MEDIA_TYPES

        return MEDIA_TYPES[self.content_type]
