"""A number's history: every message it got, its replies and its blacklist events, newest first.

Messages come from three places: the panel's recipient rows (with their campaign, status
and provider), its single messages and test sends (any provider), and Justsend's
``GET /overview/user-history`` (which also knows messages sent outside the panel). A
provider filter narrows the messages to one provider; replies and blacklist events stay. A Justsend row whose bulk name carries a campaign's reference links
to that campaign. Blacklist additions and removals come from the blacklist's own record
(``contacts.models.BlacklistEvent``): who, when and why.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from billing.readings import justsend_session
from campaigns.deliveries.selectors import replies_for_number
from campaigns.labels import MESSAGE_STATUSES, OPERATORS
from campaigns.models import Campaign, Recipient, SentMessage
from campaigns.services.rendering import message_as_sent
from campaigns.statistics.selectors import JUSTSEND_PROVIDER
from contacts.models import BlacklistEntry, BlacklistEvent
from contacts.phones import ParsedNumber, msisdn_parse
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.sms.exceptions import SmsError

logger = logging.getLogger(__name__)

# At most this many events of each kind are read: a history page, not an export.
EVENTS_PER_KIND = 200
HISTORY_PAGE_SIZE = 100
DEFAULT_DAYS = 90
MAX_DAYS = 365
REFERENCE = re.compile(r"\[([0-9a-fA-F-]{36})\]\s*$")


class Kind:
    MESSAGE = "message"  # a recipient row of a campaign
    SINGLE = "single"  # a single message or a campaign's test send
    JUSTSEND = "justsend"  # a row of Justsend's user history
    REPLY = "reply"
    BLACKLISTED = "blacklisted"
    UNBLACKLISTED = "unblacklisted"


@dataclass(frozen=True)
class HistoryEvent:
    kind: str
    at: datetime | None
    text: str = ""
    status: str = ""
    campaign: Campaign | None = None
    detail: str = ""
    provider: str = ""  # the provider that carried a message (a registry name)


@dataclass
class NumberHistory:
    parsed: ParsedNumber
    days: int
    events: list[HistoryEvent] = field(default_factory=list)
    justsend_error: str | None = None
    provider: str | None = None  # only this provider's messages


def _newest(rows, *, provider_field: str, provider: str | None, columns: tuple[str, ...]):
    """The number's newest rows (with their campaign), of one provider if one is asked for."""
    if provider:
        rows = rows.filter(**{provider_field: provider})
    return rows.select_related("campaign").only(*columns).order_by("-pk")[:EVENTS_PER_KIND]


def _recipient_events(msisdn: str, provider: str | None) -> list[HistoryEvent]:
    rows = _newest(Recipient.objects.filter(msisdn=msisdn), provider_field="campaign__provider",
                   provider=provider, columns=(
                       "status", "content", "params", "sent_at", "delivered_at", "operator",
                       "campaign__id", "campaign__name", "campaign__message", "campaign__variant",
                       "campaign__submitted_at", "campaign__created_at", "campaign__provider",
                   ))
    events = []
    for row in rows:
        campaign = row.campaign
        events.append(HistoryEvent(
            kind=Kind.MESSAGE,
            at=row.delivered_at or row.sent_at or campaign.submitted_at
            or campaign.created_at,
            text=message_as_sent(message=campaign.message, content=row.content,
                                 params=row.params),
            status=row.get_status_display(),
            campaign=campaign,
            detail=OPERATORS.label(row.operator) if row.operator else "",
            provider=campaign.provider,
        ))
    return events


def _single_events(msisdn: str, provider: str | None) -> list[HistoryEvent]:
    rows = _newest(SentMessage.objects.filter(msisdn=msisdn), provider_field="provider",
                   provider=provider, columns=("created_at", "content", "state", "provider",
                                               "variant", "sender", "campaign__id", "campaign__name",
                                               "delivery_status", "delivery_status_at",
                                               "message_id"))
    return [
        HistoryEvent(
            # The status the provider's callbacks or polls brought, else whether it took it.
            kind=Kind.SINGLE, at=row.delivery_status_at or row.created_at, text=row.content,
            status=(row.get_delivery_status_display() if row.delivery_status
                    else row.get_state_display()),
            campaign=row.campaign, provider=row.provider,
            # The provider's message id: what its support asks for.
            detail=" · ".join(part for part in (row.variant, row.sender, row.message_id) if part),
        )
        for row in rows
    ]


def _campaign_reference(bulk_name) -> uuid.UUID | None:
    """The campaign reference a bulk name ends with (``Campaign.bulk_name``), if any."""
    found = REFERENCE.search(str(bulk_name or ""))
    if not found:
        return None
    try:
        return uuid.UUID(found.group(1))
    except ValueError:
        return None


def _justsend_events(msisdn: str, days: int) -> list[HistoryEvent]:
    # A day ahead: Justsend's clock may run ahead of ours, and a message it has scheduled
    # for this number belongs in the history too.
    end = timezone.now() + timedelta(days=1)
    with justsend_session("statistics") as client:
        rows = list(islice(client.iter_user_history(
            msisdn=msisdn, from_date=end - timedelta(days=days + 1), to_date=end,
            size=HISTORY_PAGE_SIZE, sort_field="sendDate", sort_direction="DESC",
        ), EVENTS_PER_KIND))
    references = [_campaign_reference(row.raw.get("name")) for row in rows]
    campaigns = Campaign.objects.only("id", "name").in_bulk(
        {reference for reference in references if reference}, field_name="reference"
    )
    return [
        HistoryEvent(
            kind=Kind.JUSTSEND,
            at=row.delivery_date or row.send_date,
            text=row.content or "",
            status=MESSAGE_STATUSES.label(row.acknowledge_status) if row.acknowledge_status else "",
            campaign=campaigns.get(reference),
            detail=" · ".join(
                str(part) for part in (row.bulk_variant, row.raw.get("name"), row.sender) if part
            ),
            provider=JUSTSEND_PROVIDER,
        )
        for row, reference in zip(rows, references)
    ]


def _reply_events(msisdn: str) -> list[HistoryEvent]:
    return [
        HistoryEvent(
            kind=Kind.REPLY, at=reply.received_at, text=reply.message, campaign=reply.campaign,
            status=_("STOP: blacklisted") if reply.is_stop else "",
            detail=" · ".join(part for part in (reply.sender, reply.operator and OPERATORS.label(reply.operator)) if part),
        )
        for reply in replies_for_number(msisdn=msisdn)[:EVENTS_PER_KIND]
    ]


def _blacklist_events(msisdn: str) -> list[HistoryEvent]:
    kinds = {BlacklistEvent.Action.ADDED: Kind.BLACKLISTED,
             BlacklistEvent.Action.REMOVED: Kind.UNBLACKLISTED}
    recorded = list(
        BlacklistEvent.objects.filter(msisdn=msisdn).select_related("user")
        .order_by("-created_at", "-pk")[:EVENTS_PER_KIND]
    )
    events = [
        HistoryEvent(
            kind=kinds[event.action], at=event.created_at, status=event.get_source_display(),
            detail=" · ".join(part for part in (event.actor, event.reason) if part),
        )
        for event in recorded
    ]
    if not any(event.action == BlacklistEvent.Action.ADDED for event in recorded):
        # An entry older than the record of events: what the entry itself knows.
        events.extend(
            HistoryEvent(
                kind=Kind.BLACKLISTED, at=entry.created_at, status=entry.get_reason_display(),
                detail=" · ".join(str(part) for part in (entry.created_by, entry.note) if part),
            )
            for entry in BlacklistEntry.objects.filter(msisdn=msisdn).select_related("created_by")
        )
    return events


def number_history(*, raw: str, days: int = DEFAULT_DAYS, provider: str | None = None) -> NumberHistory:
    """Everything about one number, newest first; Justsend's part is optional (and not
    asked for when another provider's messages are asked for)."""
    days = max(1, min(days, MAX_DAYS))
    history = NumberHistory(parsed=msisdn_parse(raw), days=days, provider=provider or None)
    msisdn = history.parsed.msisdn
    if not history.parsed.valid or not msisdn:
        return history
    events = (_recipient_events(msisdn, history.provider) + _single_events(msisdn, history.provider)
              + _blacklist_events(msisdn) + _reply_events(msisdn))
    if history.provider in (None, JUSTSEND_PROVIDER):
        try:
            events += _justsend_events(msisdn, days)
        except (SmsError, ApplicationError) as error:
            logger.warning("user-history of %s: %r", msisdn, error)
            history.justsend_error = getattr(error, "message", str(error))
    oldest = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    history.events = sorted(events, key=lambda event: event.at or oldest, reverse=True)
    return history
