"""Reading the media library."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.exceptions import CampaignError
from campaigns.media.models import MediaFile

# Said where a public URL would be shown when the panel has no public address.
PUBLIC_URL_UNAVAILABLE = _("Not available: PANEL_PUBLIC_URL is not set, so a provider "
                           "cannot download the file.")


def media_file_list() -> QuerySet[MediaFile]:
    return MediaFile.objects.select_related("uploaded_by").order_by("-created_at", "-pk")


def media_for_compose() -> QuerySet[MediaFile]:
    """The files the composer may attach to an MMS (JustCall campaign or single message):
    every file of the library, newest first. To attach one, lock it with
    ``select_for_update()`` in the saving transaction, so a delete cannot slip between."""
    return MediaFile.objects.order_by("-created_at", "-pk")


def media_file_users(*, media_file: MediaFile) -> list[str]:
    """What still needs the file at its public URL: the names of the campaigns using it that
    are not over (the provider may still download it) and the single messages being sent."""
    from campaigns.models import Campaign, SentMessage

    over = (Campaign.Status.FINISHED, Campaign.Status.CANCELLED, Campaign.Status.FAILED)
    campaigns = list(
        media_file.campaigns.exclude(status__in=over).order_by("pk").values_list("name", flat=True)
    )
    messages = list(
        media_file.sent_messages.filter(state=SentMessage.State.SENDING)
        .order_by("pk").values_list("msisdn", flat=True)
    )
    return campaigns + messages


def media_public_path(*, media_file: MediaFile) -> str:
    return reverse("media_public", kwargs={"token": media_file.token,
                                           "filename": media_file.name})


def media_public_url(*, media_file: MediaFile) -> str | None:
    """The absolute URL a provider downloads the file from: ``PANEL_PUBLIC_URL`` + path;
    None when PANEL_PUBLIC_URL is unset (show :data:`PUBLIC_URL_UNAVAILABLE` then)."""
    if not settings.PANEL_PUBLIC_URL:
        return None
    return settings.PANEL_PUBLIC_URL + media_public_path(media_file=media_file)


def media_url_for_send(*, media_file: MediaFile | None, provider: str) -> str | None:
    """The URL an MMS of ``provider`` carries ``media_file`` at (None: no attachment), or
    :class:`CampaignError` saying why it cannot be sent: checked before anything is recorded."""
    if media_file is None:
        return None
    from campaigns.provider_options import provider_capabilities, provider_label

    label = provider_label(provider)
    if not provider_capabilities(provider).mms:
        raise CampaignError(gettext("%(provider)s cannot send an MMS attachment.")
                            % {"provider": label})
    url = media_public_url(media_file=media_file)
    if url is None:
        raise CampaignError(gettext(
            "The MMS attachment cannot be sent: PANEL_PUBLIC_URL is not set, so %(provider)s "
            "could not download the file. Set PANEL_PUBLIC_URL, then send again."
        ) % {"provider": label})
    return url


def media_public_get(*, token: str, filename: str) -> MediaFile | None:
    """The file behind a public URL, both parts matching; None for anything else."""
    return MediaFile.objects.filter(token=token, name=filename).first()
