"""Campaigns: one bulk send to an audience, and the recipients it went to.

A campaign moves through the state machine of :mod:`campaigns.services.state`; only that
module changes ``status``. Counts are kept on the row (no ``COUNT(*)`` per page view):
the audience counts when the campaign is submitted, Justsend's progress when it is polled.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.models import COUNTRY_CHOICES, Group
from justsend_panel.core.leases import LeasedModel
from justsend_panel.core.models import TimeStampedModel
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
BulkType = JS.BulkType
BulkVariant = JS.BulkVariant
FullSender = JS.FullSender


class Campaign(TimeStampedModel, LeasedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUED = "queued", _("Queued")
        SUBMITTING = "submitting", _("Submitting")
        SENDING = "sending", _("Sending")
        FINISHED = "finished", _("Finished")
        CANCELLING = "cancelling", _("Cancelling")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    class BulkTypeChoice(models.TextChoices):
        STANDARD = BulkType.STANDARD.value, _("Standard: one text for everybody")
        PERSONALIZED = BulkType.PERSONALIZED.value, _("Personalized: a text per recipient")
        PARAMETRIZED = BulkType.PARAMETRIZED.value, _("Parametrized: $1…$n from member fields")

    class Variant(models.TextChoices):
        ECO = BulkVariant.ECO.value, _("ECO (from 4777)")
        FULL = BulkVariant.FULL.value, _("FULL (a ready-made heading)")
        PRO = BulkVariant.PRO.value, _("PRO (own sender)")
        ECO_RESP = BulkVariant.ECO_RESP.value, _("ECO with replies")
        PRO_RESP = BulkVariant.PRO_RESP.value, _("PRO with replies")
        INTER = BulkVariant.INTER.value, _("INTER (abroad)")
        VOICE = BulkVariant.VOICE.value, _("VOICE (phone call)")

    FullHeading = models.TextChoices(
        "FullHeading", [(heading.name, (heading.value, heading.value)) for heading in FullSender]
    )

    class SubmissionMode(models.TextChoices):
        JSON = "json", _("JSON recipients list")
        UPLOAD = "upload", _("Uploaded CSV file")
        GROUP_IDS = "group_ids", _("Justsend group ids")

    # --- what is sent -------------------------------------------------------------
    name = models.CharField(_("name"), max_length=200)
    # Which SMS provider sends it (a name in justsend_panel.sms.registry.PROVIDERS); the
    # Justsend fields below (bulk type, variant, country, voice) apply to Justsend only.
    provider = models.CharField(_("provider"), max_length=20, default="justsend", db_index=True)
    # The provider's own choices for a provider other than Justsend (SMS Manager's channel
    # flow and tag…), validated by that provider's rules module.
    provider_options = models.JSONField(_("provider options"), default=dict, blank=True)
    # Carried in the Justsend bulk name: the one key that finds the bulk again after a crash.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    bulk_type = models.CharField(
        _("bulk type"), max_length=20, choices=BulkTypeChoice.choices,
        default=BulkTypeChoice.STANDARD,
    )
    variant = models.CharField(
        _("variant"), max_length=20, choices=Variant.choices, default=Variant.ECO
    )
    # A FULL heading (e.g. "SPECIAL OFFER") or a PRO own sender (up to 11 characters).
    sender = models.CharField(_("sender"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=80, choices=COUNTRY_CHOICES, blank=True)
    # VOICE: {"repeat_dtmf", "min_period", "max_period", "max_count", "pause", "voice_language"}
    voice_config = models.JSONField(_("voice settings"), default=dict, blank=True)
    message = models.TextField(_("message"))
    # PARAMETRIZED: the member field behind $1, $2…: "name", "surname", "address", "attr:<key>".
    parameter_fields = models.JSONField(_("parameters ($1…$n)"), default=list, blank=True)
    # The MMS attachment (JustCall): a media library file, served at its public URL.
    media = models.ForeignKey(
        "campaigns.MediaFile", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="campaigns", verbose_name=_("MMS attachment"),
    )

    # --- to whom --------------------------------------------------------------------
    groups = models.ManyToManyField(
        Group, blank=True, related_name="campaigns", verbose_name=_("groups")
    )
    excluded_groups = models.ManyToManyField(
        Group, blank=True, related_name="excluded_from_campaigns",
        verbose_name=_("excluded groups"),
    )
    pasted_numbers = models.TextField(_("pasted numbers"), blank=True)
    audience_file = models.FileField(
        _("audience file"), upload_to="campaigns/audiences/", blank=True
    )
    audience_file_name = models.CharField(_("audience file name"), max_length=255, blank=True)
    audience_encoding = models.CharField(_("audience file encoding"), max_length=20, blank=True)
    audience_delimiter = models.CharField(_("audience file delimiter"), max_length=2, blank=True)
    audience_has_header = models.BooleanField(_("audience file has a header"), default=True)
    # Column index (as a string) -> "msisdn", "name", "surname", "address", "attr:<key>", "".
    audience_mapping = models.JSONField(_("audience file columns"), default=dict, blank=True)
    # "Send again to the undelivered": the same audience (so the same personal fields),
    # narrowed to these numbers. Empty: no narrowing.
    only_numbers = models.TextField(_("only these numbers"), blank=True)

    # --- when -----------------------------------------------------------------------
    # Null means "as soon as launched". Stored in UTC like every datetime.
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)

    # --- where it stands ------------------------------------------------------------
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    failure_reason = models.TextField(_("failure reason"), blank=True)
    # Why a cancel did not go through (409 too late, 404…), shown on the page.
    cancel_error = models.TextField(_("cancel error"), blank=True)
    # The provider's id of the batch the campaign went out in (Justsend's bulk uuid); empty
    # while unsent, and for a provider sending in recorded calls (no single batch).
    batch_id = models.CharField(_("batch id at the provider"), max_length=64, blank=True,
                                db_index=True)
    bulk_status = models.CharField(_("Justsend bulk status"), max_length=40, blank=True)
    submission_mode = models.CharField(
        _("submitted as"), max_length=10, choices=SubmissionMode.choices, blank=True
    )
    submit_attempts = models.PositiveIntegerField(_("submit attempts"), default=0)

    # --- counts: the audience at submission ----------------------------------------
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    duplicates_removed = models.PositiveIntegerField(_("duplicates removed"), default=0)
    blacklisted_removed = models.PositiveIntegerField(_("blacklisted removed"), default=0)
    invalid_removed = models.PositiveIntegerField(_("invalid removed"), default=0)
    # Valid numbers the variant cannot reach: abroad for a domestic variant, outside the
    # chosen country for INTER.
    outside_country_removed = models.PositiveIntegerField(
        _("outside the country removed"), default=0
    )
    excluded_removed = models.PositiveIntegerField(_("excluded removed"), default=0)
    # Numbers the prepared audience held before duplicates, excluded and blacklisted numbers
    # were removed; set with ``prepared_at`` once the Recipient rows are written.
    prepared_count = models.PositiveIntegerField(_("prepared"), default=0)
    # Set once the Recipient rows are written; a retried submission reuses them.
    prepared_at = models.DateTimeField(_("audience prepared at"), null=True, blank=True)

    # --- counts: Justsend's progress (polled) ---------------------------------------
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    delivered_count = models.PositiveIntegerField(_("delivered"), default=0)
    undelivered_count = models.PositiveIntegerField(_("undelivered"), default=0)
    not_sent_count = models.PositiveIntegerField(_("not sent"), default=0)
    remote_recipients_count = models.PositiveIntegerField(_("recipients at Justsend"), default=0)
    remote_invalid_count = models.PositiveIntegerField(_("invalid at Justsend"), default=0)
    # [[msisdn, reason], …] as /invalid-recipients lists them (capped; the count is exact).
    remote_invalid_recipients = models.JSONField(
        _("invalid recipients at Justsend"), default=list, blank=True
    )
    charged_points = models.DecimalField(
        _("charged points"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    # What Justsend gave back for the part of a cancelled bulk it did not send (its first
    # charge, bulkCostInPoints, less what it now charges, chargedPoints).
    refunded_points = models.DecimalField(
        _("refunded points"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=4, null=True, blank=True)
    cost_currency = models.CharField(_("currency"), max_length=8, blank=True)

    # --- when it happened -----------------------------------------------------------
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("launched by"),
    )
    # A duplicate or a "send again to the undelivered" remembers where it came from.
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived",
        verbose_name=_("made from"),
    )
    # A "send again to the undelivered" draft (and its duplicates): the campaign whose
    # undelivered numbers it sends to and how many there were. Its form and preview say
    # "the N undelivered of campaign X" rather than show X's groups, which only supply the
    # members' fields.
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("the undelivered of"),
    )
    resend_count = models.PositiveIntegerField(_("undelivered numbers"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def bulk_name(self) -> str:
        """The Justsend bulk name: readable, and unique through the reference."""
        return f"{self.name[:60]} [{self.reference}]"

    @property
    def delivered_percent(self) -> float | None:
        if not self.recipients_count:
            return None
        return round(100 * self.delivered_count / self.recipients_count, 1)

    @property
    def is_in_flight(self) -> bool:
        """On its way: the page's progress, recipient table and charts follow it live."""
        return self.status in CAMPAIGN_IN_FLIGHT


# Queued to sending (or cancelling): every state in which the campaign's figures move.
CAMPAIGN_IN_FLIGHT = (
    Campaign.Status.QUEUED, Campaign.Status.SUBMITTING, Campaign.Status.SENDING,
    Campaign.Status.CANCELLING,
)


class Recipient(models.Model):
    """One number a campaign went to; statuses only move forward (delivery tracking)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SUBMITTED = "submitted", _("Submitted")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Undelivered")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Rejected")
        # Never sent: the campaign was cancelled, or failed, before this number left.
        # Final as far as the panel decides; only Justsend's own "sent" moves it on.
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Not sent (failed)")
        # Handed to a provider in a call whose answer was lost (timeout, a worker killed):
        # it may or may not have been sent. Never sent again automatically; a status event
        # naming it settles it, and the user may choose to send it again.
        IN_DOUBT = "in_doubt", _("In doubt")

    # No index of its own: the unique (campaign, msisdn) begins with it and serves every
    # lookup by campaign (one B-tree less to maintain per row of a million-row insert).
    # No constraint in the database either: PostgreSQL checks a (deferred) foreign key with
    # one query per inserted row at COMMIT, 7.5 s for a million recipients. Rows are only
    # written by the audience preparation, for a campaign it holds; deleting a campaign
    # still deletes its recipients (Django's CASCADE, one DELETE).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="recipients", db_index=False,
        db_constraint=False,
    )
    # On PostgreSQL the column is COLLATE "C" (migration 0006): numbers are digits, and its
    # B-trees then compare bytes instead of calling strcoll. An AlterField of this column
    # would drop that collation: repeat the RunPython of 0006 after it.
    msisdn = models.CharField(_("number"), max_length=20)
    # PERSONALIZED: the rendered text; PARAMETRIZED: the values of $1…$n.
    content = models.TextField(_("content"), blank=True)
    params = models.JSONField(_("parameters"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    status_code = models.CharField(_("status code"), max_length=64, blank=True)
    operator = models.CharField(_("operator"), max_length=100, blank=True)
    message_id = models.CharField(_("message id at the provider"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("final status at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "msisdn"], name="recipient_unique_per_campaign"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="recipient_campaign_status_idx"),
            models.Index(fields=["msisdn"], name="recipient_msisdn_idx"),
            # Only rows that have a message id (set by postbacks and polling): a million
            # new recipients would otherwise add a million equal empty keys to this B-tree.
            # A query must say ``.exclude(message_id="")`` for the database to use it.
            models.Index(
                fields=["message_id"], name="recipient_message_id_set_idx",
                condition=~models.Q(message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return self.msisdn


class SentMessage(TimeStampedModel):
    """One single message or campaign test send handed to Justsend, keyed by the token of the
    form it came from: the same form posted twice (a double click) sends once."""

    class State(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # A timeout or 5xx after the call: Justsend may have taken it; never sent again.
        IN_DOUBT = "in_doubt", _("Not confirmed")

    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        VERIFICATION_CODE = "code", _("Verification code")

    token = models.UUIDField(_("form token"), unique=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="test_sends",
        verbose_name=_("tested campaign"),
    )
    msisdn = models.CharField(_("number"), max_length=20)
    provider = models.CharField(_("provider"), max_length=20, default="justsend")
    provider_options = models.JSONField(_("provider options"), default=dict, blank=True)
    variant = models.CharField(_("variant"), max_length=20, choices=Campaign.Variant.choices)
    sender = models.CharField(_("sender"), max_length=20, blank=True)
    content = models.TextField(_("content"))
    media = models.ForeignKey(
        "campaigns.MediaFile", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="sent_messages", verbose_name=_("MMS attachment"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.SENDING)
    message_id = models.CharField(_("message id at the provider"), max_length=64, blank=True)
    # What the provider said of it, forward-only, as a campaign recipient's status (JustCall:
    # its status callbacks; SMS.by: polled with checkSMS); empty: none yet.
    delivery_status = models.CharField(_("delivery status"), max_length=20, blank=True,
                                       choices=Recipient.Status.choices)
    delivery_status_at = models.DateTimeField(_("delivery status at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("sent by"),
    )
    # A text, or a verification code (SMS.by: Telegram, WhatsApp) whose ``content`` is kept
    # masked, never the code itself.
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    # How it went or goes: sms/viber (SMS.by's checkSMS), telegram/whatsapp (a code).
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=5, null=True, blank=True)
    parts = models.PositiveSmallIntegerField(_("parts"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")
        ordering = ["-created_at"]
        # A number's history reads its single messages: without it, a scan of the table
        # (237 ms at a million rows on PostgreSQL; 0.1 ms with it).
        indexes = [models.Index(fields=["msisdn"], name="sentmessage_msisdn_idx")]

    def __str__(self) -> str:
        return f"{self.msisdn} ({self.variant})"

    @property
    def delivery_status_label(self) -> str:
        """The polled delivery status in the recipients' words (a Recipient status value)."""
        if not self.delivery_status:
            return ""
        try:
            return Recipient.Status(self.delivery_status).label
        except ValueError:
            return self.delivery_status


class ProviderCall(TimeStampedModel):
    """One call to a provider sent in recorded calls (SMS Manager, SMS.by's mailings),
    recorded and committed before it is made: never twice without an idempotency key.

    ``recorded`` while the call is on its way; ``sent`` once the provider answered (its
    recipients accepted or rejected), ``failed`` when it refused the call outright, and
    ``in_doubt`` when the answer was lost (a timeout, a 5xx, the worker killed): its
    recipients may have been sent, so they are never sent again without the user's choice.
    """

    class State(models.TextChoices):
        RECORDED = "recorded", _("Recorded, on its way")
        SENT = "sent", _("Answered")
        IN_DOUBT = "in_doubt", _("In doubt: answer lost")
        FAILED = "failed", _("Refused")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="provider_calls",
                                 verbose_name=_("campaign"))
    provider = models.CharField(_("provider"), max_length=20)
    sequence = models.PositiveIntegerField(_("sequence number"))
    # Campaign reference + sequence: stable, unique, sent as the batch's reference.
    reference = models.CharField(_("reference"), max_length=80, unique=True)
    # The Recipient pks this call carries (at most a provider's call size), in order.
    recipient_ids = models.JSONField(_("recipients"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.RECORDED)
    batch_id = models.CharField(_("provider batch id"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    accepted_count = models.PositiveIntegerField(_("accepted"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The user chose to send this call's in-doubt recipients again (in new calls).
    resent_at = models.DateTimeField(_("sent again at"), null=True, blank=True)
    # What the provider says the batch cost and how many parts it billed (SMS.by's
    # mailing, read by the status poll); the currency is the account's.
    cost = models.DecimalField(_("provider's cost"), max_digits=14, decimal_places=5,
                               null=True, blank=True)
    parts = models.PositiveIntegerField(_("parts billed"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider call")
        verbose_name_plural = _("provider calls")
        ordering = ["campaign", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sequence"],
                                    name="provider_call_unique_sequence"),
        ]
        indexes = [
            models.Index(fields=["campaign", "state"], name="provider_call_state_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


# The delivery-tracking models live in campaigns/deliveries but belong to this app: Django
# registers an app's models from its ``models`` module, hence this import at the end.
from campaigns.deliveries.models import *  # noqa: E402,F401,F403
from campaigns.media.models import *  # noqa: E402,F401,F403
