"""Postbacks as received, and the replies (incoming messages) they carried.

A postback is stored by the webhook with one INSERT and nothing else; a worker applies
stored postbacks to the recipient rows in batches. Rows are never deleted by the panel:
a postback that cannot be applied (yet) stays, with its state saying why. One whose apply
raised is quarantined (failed, with the error) so that it never holds the others back; an
administrator applies it again from Django admin.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from contacts.models import BlacklistEntry

__all__ = ["Postback", "Reply", "DeliveryCounts", "ProviderNotification"]


class ReceivedBody(models.Model):
    """What the panel keeps of every provider request it takes in (a Justsend postback, a
    provider's notification): the body as received, once, and how applying it went."""

    # sha256 of what identifies the event: the same event twice is stored once.
    dedup_key = models.CharField(_("deduplication key"), max_length=64, unique=True)
    body = models.TextField(_("body as received"))
    # The bytes as received, kept only when ``body`` had to differ from them: text no
    # database stores (not UTF-8, NUL, a lone UTF-16 surrogate) is replaced by U+FFFD.
    raw_body = models.BinaryField(_("raw body"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # Applies that failed with this row alone in the batch.
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)

    class Meta:
        abstract = True

    @property
    def received_bytes(self) -> bytes:
        """The request's body exactly as it arrived."""
        return bytes(self.raw_body) if self.raw_body is not None else self.body.encode()


class Postback(ReceivedBody):
    class Kind(models.TextChoices):
        SEND_STATUS = "send_status", _("Send status")
        DELIVERY_STATUS = "delivery_status", _("Delivery status")
        INCOMING = "incoming", _("Incoming message")
        UNKNOWN = "unknown", _("Unknown")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending: not applied yet")
        # Its bulk is not known yet (the campaign's submission has not recorded it).
        WAITING = "waiting", _("Waiting for its campaign")
        APPLIED = "applied", _("Applied")
        # No recipient row matches (a single message, a bulk sent outside the panel).
        UNMATCHED = "unmatched", _("No matching recipient")
        MALFORMED = "malformed", _("Malformed")
        # Applying it raised (the error says what); the others went on without it.
        FAILED = "failed", _("Quarantined: applying it failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # dedup_key: sha256 of the kind and the body's canonical JSON.
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    # Read from the body when it is stored, for matching and searching.
    bulk_uuid = models.CharField(_("bulk uuid"), max_length=64, blank=True)
    msisdn = models.CharField(_("number"), max_length=32, blank=True)
    message_id = models.CharField(_("message id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("postback")
        verbose_name_plural = _("postbacks")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["state", "id"], name="postback_state_idx"),
            models.Index(fields=["state", "bulk_uuid"], name="postback_state_bulk_idx"),
            models.Index(fields=["msisdn"], name="postback_msisdn_idx"),
            # The few whose body was altered on receipt, counted on the Connection page.
            models.Index(fields=["received_at"], condition=Q(raw_body__isnull=False),
                         name="postback_altered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Reply(models.Model):
    """An incoming message (MO) from a number, linked to the campaign it answers.

    It came in a Justsend postback (``postback``) or in another provider's notification
    (``notification``; one notification may carry several, told apart by
    ``notification_index``): either way it is kept once.
    """

    postback = models.OneToOneField(
        Postback, on_delete=models.SET_NULL, null=True, blank=True, related_name="reply",
        verbose_name=_("postback"),
    )
    notification = models.ForeignKey(
        "ProviderNotification", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="replies", verbose_name=_("provider notification"),
    )
    # The reply's place among the events of its notification.
    notification_index = models.PositiveSmallIntegerField(
        _("index in the notification"), null=True, blank=True)
    message_id = models.CharField(_("provider's message id"), max_length=64, blank=True)
    msisdn = models.CharField(_("number"), max_length=32)
    message = models.TextField(_("message"), blank=True)
    sender = models.CharField(_("sent to"), max_length=64, blank=True)
    operator = models.CharField(_("operator"), max_length=100, blank=True)
    prefix = models.CharField(_("keyword"), max_length=100, blank=True)
    group_name = models.CharField(_("group"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies",
        verbose_name=_("campaign"),
    )
    is_stop = models.BooleanField(_("STOP reply"), default=False)
    blacklist_entry = models.ForeignKey(
        BlacklistEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("blacklist entry"),
    )
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["msisdn", "received_at"], name="reply_msisdn_idx"),
            models.Index(fields=["campaign", "received_at"], name="reply_campaign_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["notification", "notification_index"],
                                    condition=Q(notification__isnull=False),
                                    name="reply_notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.msisdn}: {self.message[:40]}"


class DeliveryCounts(models.Model):
    """What the postbacks applied so far counted for a campaign (exact: one per recipient).

    The campaign's own counters are the larger of these and Justsend's polled counts, so
    neither source lowers what the other already reported.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="delivery_counts",
        verbose_name=_("campaign"),
    )
    sent = models.PositiveIntegerField(_("sent"), default=0)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    undelivered = models.PositiveIntegerField(_("undelivered"), default=0)
    expired = models.PositiveIntegerField(_("expired"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    replies = models.PositiveIntegerField(_("replies"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery counts")
        verbose_name_plural = _("delivery counts")

    def __str__(self) -> str:
        return str(self.campaign)


class ProviderNotification(ReceivedBody):
    """One webhook request of a provider other than Justsend, stored as received.

    Stored by ``/webhooks/<provider>/<secret>/`` with one INSERT; the apply task parses it
    with the provider's backend (``parse_webhook``) into status events and applies them
    forward-only, a batch at a time, like :class:`Postback`. One that cannot be parsed or
    applied is quarantined with its reason and never holds the others back.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending: not applied yet")
        APPLIED = "applied", _("Applied")
        UNMATCHED = "unmatched", _("No matching recipient")
        MALFORMED = "malformed", _("Malformed")
        FAILED = "failed", _("Quarantined: applying it failed")

    provider = models.CharField(_("provider"), max_length=20)
    # Whom the callback URL's verified token names (``r<pk>``, ``m<pk>``; see
    # campaigns.deliveries.tokens), for a provider that names nobody in the body; else empty.
    reference = models.CharField(_("reference from the URL"), max_length=24, blank=True)
    # dedup_key: sha256 of the provider, the reference and the body.
    # The request's headers a parser may need (content type, a signature); never cookies.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["state", "id"], name="provider_notif_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} #{self.pk}"
