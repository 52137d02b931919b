"""Reads for the campaign pages: no COUNT(*) over recipients, the campaign's counters instead."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaigns.models import CAMPAIGN_IN_FLIGHT, Campaign, ProviderCall, Recipient, SentMessage
from campaigns.provider_options import provider_cost_unit
from campaigns.services.rendering import MEMBER_FIELDS, is_field_name
from contacts.selectors import group_attribute_keys_get
from justsend_panel.core.models import ProviderSetting
from justsend_panel.core.provider import provider_for, provider_registry
from justsend_panel.sms.exceptions import SmsError, SmsNotFound, SmsUnsupported
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
SingleMessage = JS.SingleMessage

logger = logging.getLogger(__name__)

LIST_COLUMNS = (
    "id", "name", "status", "variant", "bulk_type", "scheduled_at", "submitted_at", "created_at",
    "recipients_count", "delivered_count", "cost", "cost_currency", "charged_points",
)


def campaign_list_qs() -> QuerySet[Campaign]:
    return Campaign.objects.only(*LIST_COLUMNS).order_by("-created_at", "-pk")


def campaign_get(*, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.select_related("created_by", "launched_by", "source"), pk=pk
    )


def recipient_list_qs(*, campaign: Campaign) -> QuerySet[Recipient]:
    # Ordered by the (campaign, status) index's leading column and pk: a page is an
    # index range, whatever the number of rows.
    return Recipient.objects.filter(campaign=campaign).order_by("pk")


# --- single messages: read from Justsend, which keeps them ----------------------------------

SINGLE_MESSAGES_PER_PAGE = 25


@dataclass(frozen=True)
class SingleMessagePage:
    items: list[SingleMessage]
    has_next: bool = False
    total: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class SingleMessageLookup:
    message: SingleMessage | None
    error: str | None = None


def _provider_error(error: SmsError) -> str:
    if isinstance(error, SmsUnsupported):
        return error.message  # no provider keeps the list: nobody was asked
    if isinstance(error, SmsNotFound):
        return _("Justsend does not know this message.")
    return _("Justsend could not be asked: %(reason)s") % {"reason": error.message}


def single_message_page(
    *, page: int, start: datetime | None = None, end: datetime | None = None,
    size: int = SINGLE_MESSAGES_PER_PAGE,
) -> SingleMessagePage:
    """One page (from 0) of ``/overview/singlemessages``; a failure comes back as ``error``."""
    try:
        with provider_for("statistics").client() as client:
            result = client.list_single_messages(start_date=start, end_date=end, page=page, size=size)
    except SmsError as error:
        logger.warning("single messages page %s: %r", page, error)
        return SingleMessagePage(items=[], error=_provider_error(error))
    return SingleMessagePage(
        items=list(result.content), has_next=not result.is_last, total=result.total_elements
    )


def sent_messages_recorded():
    """Single messages sent through providers other than Justsend (whose own list is read
    from Justsend), newest first, as the panel recorded them."""
    return (SentMessage.objects.filter(campaign__isnull=True).exclude(provider="justsend")
            .select_related("created_by", "media").order_by("-created_at", "-pk")
            # The currency of the provider's account, as set on the Providers page (SMS.by's
            # API names none): the cost is written with it, in the same query.
            .annotate(account_currency=Subquery(
                ProviderSetting.objects.filter(provider=OuterRef("provider")).values("currency")[:1])))


def single_message_get(*, message_id: str) -> SingleMessageLookup:
    try:
        with provider_for("statistics").client() as client:
            return SingleMessageLookup(message=client.get_single_message(message_id=message_id))
    except SmsError as error:
        logger.warning("single message %s: %r", message_id, error)
        return SingleMessageLookup(message=None, error=_provider_error(error))


# --- the undelivered ------------------------------------------------------------------------

# "Undelivered", in one place: every final state but delivered, as the campaign's
# ``undelivered_count`` counts it (campaigns.deliveries.services.applying). The "send
# again" button counts these rows and the draft it makes sends to exactly them.
UNDELIVERED_STATUSES = (
    Recipient.Status.UNDELIVERED, Recipient.Status.EXPIRED, Recipient.Status.REJECTED,
)


def campaign_undelivered_qs(*, campaign: Campaign) -> QuerySet[Recipient]:
    """Served by the (campaign, status) index."""
    return Recipient.objects.filter(campaign=campaign, status__in=UNDELIVERED_STATUSES)


# --- the progress partial ------------------------------------------------------------------

CANCELLABLE = (
    Campaign.Status.SCHEDULED, Campaign.Status.QUEUED, Campaign.Status.SUBMITTING,
    Campaign.Status.SENDING,
)


@dataclass(frozen=True)
class Progress:
    """A campaign's progress from its own counters (no query over its recipients)."""

    total: int
    delivered: int
    undelivered: int
    not_sent: int
    awaiting_report: int  # sent, no delivery report yet
    polling: bool
    cancellable: bool
    # Undelivered recipients a "send again" draft would get; counted once sending is over.
    resendable: int = 0
    # What the provider says its batches (SMS.by's mailings) cost and how many parts it
    # billed, summed over the calls it named them for; None when it said nothing.
    provider_cost: Decimal | None = None
    provider_parts: int | None = None
    provider_batches: int = 0
    # What the page writes after provider_cost: the account's currency (provider_cost_unit).
    provider_cost_unit: str = ""

    def _percent(self, value: int) -> float:
        return round(100 * value / self.total, 1) if self.total else 0.0

    @property
    def delivered_percent(self) -> float:
        return self._percent(self.delivered)

    @property
    def undelivered_percent(self) -> float:
        return self._percent(self.undelivered)

    @property
    def not_sent_percent(self) -> float:
        return self._percent(self.not_sent)

    @property
    def awaiting_percent(self) -> float:
        return self._percent(self.awaiting_report)

    @property
    def done_percent(self) -> float:
        return self._percent(self.delivered + self.undelivered + self.not_sent)


def campaign_progress_get(*, campaign: Campaign) -> Progress:
    total = campaign.remote_recipients_count or campaign.recipients_count
    delivered, undelivered = campaign.delivered_count, campaign.undelivered_count
    resendable = 0
    if undelivered and not campaign.is_in_flight:
        resendable = campaign_undelivered_qs(campaign=campaign).count()
    return Progress(
        total=total,
        delivered=delivered,
        undelivered=undelivered,
        not_sent=campaign.not_sent_count,
        awaiting_report=max(0, campaign.sent_count - delivered - undelivered),
        polling=campaign.is_in_flight,
        cancellable=campaign.status in CANCELLABLE,
        resendable=resendable,
        **_provider_figures(campaign),
    )


def _provider_figures(campaign: Campaign) -> dict:
    """Only a provider whose batches are found by our reference reports their figures
    (``batch_figures``): the others' pages read nothing more, nor does a list that did
    not load the provider (the dashboard)."""
    if "provider" in campaign.get_deferred_fields():
        return {}
    try:
        capabilities = provider_registry().capabilities(campaign.provider)
    except SmsUnsupported:  # a provider since removed from the panel
        return {}
    if not capabilities.find_batch_by_reference or capabilities.file_upload:
        return {}
    figures = ProviderCall.objects.filter(campaign=campaign, parts__isnull=False).aggregate(
        provider_cost=Sum("cost"), provider_parts=Sum("parts"), provider_batches=Count("pk"))
    if not figures["provider_batches"]:
        return {}
    return {**figures, "provider_cost_unit": provider_cost_unit(provider=campaign.provider)}


def personalisation_fields_get(*, group_ids: list[int]) -> list[tuple[str, str]]:
    """(key, label) of every field a PERSONALIZED message to these groups can use: the
    member fields, then the attribute keys their members have (kept per group, so this
    reads no member rows however large the groups)."""
    labels = {
        "name": pgettext("personalisation field", "First name"),
        "surname": pgettext("personalisation field", "Surname"),
        "address": pgettext("personalisation field", "Address"),
    }
    return [(key, labels[key]) for key in MEMBER_FIELDS] + [
        (key, key) for key in group_attribute_keys_get(group_ids=group_ids)
        if key not in labels and is_field_name(key)
    ]
