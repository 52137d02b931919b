"""Notifications of providers other than Justsend (statuses and replies): stored as
received, applied in batches, forward-only, quarantined when they cannot be applied.

The webhook (``/webhooks/<provider>/<secret>/``) stores the body with one INSERT
(:func:`provider_notification_receive`) and asks for the apply task, the same task that
applies Justsend's postbacks. :func:`provider_notifications_apply` parses each stored
body with the provider's backend (``parse_webhook``) into provider-neutral
:class:`~justsend_panel.sms.types.StatusEvent`\\ s and moves each named recipient forward:
by its reference (the panel's Recipient pk, echoed back by the provider) or else by its
message id, only among the campaigns of that provider. A final status is never
overwritten, a recipient in doubt is settled by any event that names it, and the
campaign's counters move in the same transaction (:func:`counters_add`). A reply
(:class:`~justsend_panel.sms.types.InboundMessage`) is kept and acted on by the service
that keeps Justsend's (:func:`provider_replies_store`: linked to its campaign, STOP
blacklists the number), once however often its notification is applied.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.deliveries.models import ProviderNotification
from campaigns.deliveries.services.applying import (
    FINAL_RANK,
    apply_or_split,
    RANK,
    RECIPIENT_FIELDS,
    SENT_RANK,
    recipients_write,
)
from campaigns.deliveries.services.counters import counters_add
from campaigns.deliveries.services.receiving import postbacks_apply_request
from campaigns.deliveries.services.replies import provider_replies_store
from campaigns.deliveries.tokens import (
    RECIPIENT,
    CallbackSubject,
    callback_token_read,
    recipient_pk_from_reference,
    single_message_pk_from_reference,
)
from campaigns.models import Recipient, SentMessage
from campaigns.services.state import campaigns_finish_all_final
from justsend_panel.core.provider import (
    provider_backend,
    provider_registry,
    provider_webhook_secret,
)
from justsend_panel.sms.base import Backend
from justsend_panel.sms.registry import PROVIDERS
from justsend_panel.sms.types import InboundMessage, MessageState, StatusEvent
from justsend_panel.sms.webhooks import secret_matches, storable_text

logger = logging.getLogger(__name__)

R = Recipient.Status
N = ProviderNotification.State
# What each provider-neutral state becomes on a recipient row.
RECIPIENT_STATUS = {
    MessageState.QUEUED: R.SUBMITTED,
    MessageState.SENT: R.SENT,
    MessageState.DELIVERED: R.DELIVERED,
    MessageState.UNDELIVERED: R.UNDELIVERED,
    MessageState.EXPIRED: R.EXPIRED,
    MessageState.REJECTED: R.REJECTED,
    # The provider gave up on it after taking it: not delivered, and final.
    MessageState.FAILED: R.UNDELIVERED,
    MessageState.CANCELLED: R.CANCELLED,
}
COUNTED_FINAL = (R.DELIVERED, R.UNDELIVERED, R.EXPIRED, R.REJECTED)
# Headers a parser may need; cookies and credentials are never stored.
_HEADERS_DROPPED = {"cookie", "authorization", "proxy-authorization"}


# --- receiving ----------------------------------------------------------------------


def provider_webhook_allowed(*, provider: str, secret: str, per_message: bool = False) -> bool:
    """A known, enabled provider with delivery webhooks (Justsend has its own route) and
    the right secret, compared in constant time; with ``per_message``, one that takes a
    callback URL per message."""
    if provider == "justsend" or provider not in PROVIDERS:
        return False
    registry = provider_registry()
    if provider not in registry.enabled():
        return False
    capabilities = registry.capabilities(provider)
    if not capabilities.delivery_webhooks or (per_message and not capabilities.per_message_callback):
        return False
    return secret_matches(secret, provider_webhook_secret(provider))


def provider_callback_subject(*, provider: str, token: str) -> CallbackSubject | None:
    """Whom a callback URL's token names, when the panel signed it and the row exists and
    belongs to ``provider`` (a campaign's recipient or a single message); else ``None``."""
    subject = callback_token_read(token, provider=provider)
    if subject is None:
        return None
    if subject.kind == RECIPIENT:
        exists = Recipient.objects.filter(pk=subject.pk, campaign__provider=provider).exists()
    else:
        exists = SentMessage.objects.filter(pk=subject.pk, provider=provider).exists()
    return subject if exists else None


def provider_notification_receive(*, provider: str, body: bytes, headers: Mapping[str, str],
                                  reference: str = "") -> ProviderNotification | None:
    """Store one notification as received (the same body twice is stored once) and ask
    for an apply. ``reference``: whom the URL's verified token names (``r<pk>``), kept with
    the body. Returns the stored row, or None for a repeat."""
    text = storable_text(body.decode("utf-8", "replace"))
    raw = None if text.encode() == body else body
    named = provider.encode() + (b"\n" + reference.encode() if reference else b"")
    digest = hashlib.sha256(named + b"\n" + body).hexdigest()
    kept = {name: value for name, value in headers.items()
            if name.lower() not in _HEADERS_DROPPED}
    stored = ProviderNotification.objects.bulk_create(
        [ProviderNotification(provider=provider, reference=reference, dedup_key=digest,
                              body=text, raw_body=raw, headers=kept,
                              received_at=timezone.now())],
        ignore_conflicts=True,
    )
    postbacks_apply_request()
    return stored[0] if stored and stored[0].pk else None


# --- applying -----------------------------------------------------------------------


@dataclass
class NotificationsApplied:
    applied: int = 0
    unmatched: int = 0
    malformed: int = 0
    failed: int = 0
    read: int = 0
    replies: int = 0
    more: bool = False


def provider_notifications_apply(*, limit: int | None = None,
                                 batches: int = 20) -> NotificationsApplied:
    """Apply pending notifications, batch after batch (at most ``batches`` per run)."""
    limit = limit or settings.POSTBACK_APPLY_BATCH
    total = NotificationsApplied()
    for _batch in range(batches):
        result = provider_notifications_apply_batch(limit=limit)
        for name in ("applied", "unmatched", "malformed", "failed", "read", "replies"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        if result.read < limit:
            return total
    total.more = True
    return total


@transaction.atomic
def provider_notifications_apply_batch(*, limit: int) -> NotificationsApplied:
    """Up to ``limit`` pending notifications in one transaction, oldest first; workers
    take disjoint batches (``SKIP LOCKED`` on PostgreSQL, SQLite serialises them)."""
    batch = list(ProviderNotification.objects.select_for_update(skip_locked=True)
                 .filter(state=N.PENDING).order_by("pk")[:limit])
    result = NotificationsApplied(read=len(batch))
    parsed: list[tuple[ProviderNotification, list[StatusEvent | InboundMessage]]] = []
    with ExitStack() as stack:
        backends: dict[str, Backend] = {}
        for notification in batch:
            try:
                backend = backends.get(notification.provider)
                if backend is None:
                    backend = stack.enter_context(provider_backend(notification.provider))
                    backends[notification.provider] = backend
                # The URL's token, verified and stored as its reference, names the recipient.
                events = backend.parse_webhook(
                    notification.received_bytes, headers=notification.headers or {},
                    path=(notification.reference,) if notification.reference else ())
            except Exception as error:  # noqa: BLE001 - any parser failure is the body's
                _quarantine(notification, N.MALFORMED, error)
                result.malformed += 1
                continue
            parsed.append((notification, [e for e in events
                                          if isinstance(e, StatusEvent | InboundMessage)]))
    if parsed:
        _apply_or_split(parsed, result)
    return result


def _apply_or_split(items, result: NotificationsApplied) -> None:
    def apply(part) -> None:
        now = timezone.now()
        outcome, replies = _events_apply(part)
        result.replies += replies
        for state, ids in outcome.items():
            ProviderNotification.objects.filter(pk__in=ids).update(
                state=state, applied_at=now if state == N.APPLIED else None, error="")
            if state == N.APPLIED:
                result.applied += len(ids)
            else:
                result.unmatched += len(ids)

    def quarantine(item, error: Exception) -> None:
        _quarantine(item[0], N.FAILED, error)
        result.failed += 1

    apply_or_split(items, apply, quarantine)


def provider_notifications_reapply(*, ids: list[int]) -> int:
    """Queue quarantined notifications again (Django admin's action); returns how many."""
    count = ProviderNotification.objects.filter(pk__in=ids, state=N.FAILED).update(
        state=N.PENDING)
    if count:
        logger.info("%d quarantined provider notifications queued again", count)
        postbacks_apply_request(force=True)
    return count


def _quarantine(notification: ProviderNotification, state: str, error: Exception) -> None:
    logger.warning("%s notification #%s quarantined: %s: %s", notification.provider,
                   notification.pk, type(error).__name__, error)
    ProviderNotification.objects.filter(pk=notification.pk).update(
        state=state, error=storable_text(f"{type(error).__name__}: {error}")[:2000],
        attempts=F("attempts") + 1, applied_at=None)


def _events_apply(items: Sequence[tuple[ProviderNotification, list[StatusEvent | InboundMessage]]],
                  ) -> tuple[dict[str, list[int]], int]:
    """Apply the events; (notification ids by their new state, how many replies were new).
    A notification that carries a reply is applied: the reply is kept, linked or not."""
    replies: dict[str, list[tuple[ProviderNotification, int, InboundMessage]]] = defaultdict(list)
    statuses: list[tuple[ProviderNotification, list[StatusEvent]]] = []
    for notification, events in items:
        for index, event in enumerate(events):
            if isinstance(event, InboundMessage):
                replies[notification.provider].append((notification, index, event))
        statuses.append((notification, [e for e in events if isinstance(e, StatusEvent)]))
    with_reply = {notification.pk for found in replies.values() for notification, _i, _m in found}
    with_reply |= _single_messages_advance(statuses)
    outcome: dict[str, list[int]] = defaultdict(list)
    matched = _statuses_move([(n.provider, n.received_at, events) for n, events in statuses])
    for (notification, _events), found in zip(statuses, matched, strict=True):
        outcome[N.APPLIED if found or notification.pk in with_reply else N.UNMATCHED].append(
            notification.pk)
    kept = sum(provider_replies_store(provider=provider, items=found)
               for provider, found in replies.items())
    return outcome, kept


def status_events_apply(*, provider: str, events: Sequence[StatusEvent], received_at) -> int:
    """Apply polled events (SMS.by's ``statusBulkSms``) as a webhook's are applied; each
    names its recipient by ``reference``. Returns how many events named a recipient."""
    with transaction.atomic():
        recipients = _recipients_locked([(_Source(provider), events)])
        _statuses_move([(provider, received_at, events)], recipients=recipients)
    return sum(_recipient_of(recipients, provider, event) is not None for event in events)


@dataclass(frozen=True)
class _Source:
    provider: str


def _statuses_move(items: Sequence[tuple[str, object, Sequence[StatusEvent]]], *,
                   recipients=None) -> list[bool]:
    """Move the named recipients forward, count and finish; per item, whether any event
    named a recipient."""
    if recipients is None:
        recipients = _recipients_locked([(_Source(provider), events)
                                         for provider, _at, events in items])
    now = timezone.now()
    before: dict[int, str] = {}
    changed: dict[int, Recipient] = {}
    matched = []
    for provider, received_at, events in items:
        named = False
        for event in events:
            recipient = _recipient_of(recipients, provider, event)
            if recipient is None:
                continue
            named = True
            before.setdefault(recipient.pk, recipient.status)
            if status_event_advance(recipient, event, received_at=received_at):
                recipient.updated_at = now
                changed[recipient.pk] = recipient
        matched.append(named)
    if changed:
        recipients_write(list(changed.values()))
    deltas: dict[int, Counter] = defaultdict(Counter)
    for recipient in changed.values():
        old, new = before[recipient.pk], recipient.status
        if RANK[old] < SENT_RANK <= RANK[new]:
            deltas[recipient.campaign_id]["sent"] += 1
        if RANK[old] < FINAL_RANK == RANK[new] and new in COUNTED_FINAL:
            deltas[recipient.campaign_id][new] += 1
    counters_add(deltas)
    # No read after finishing: these providers' campaigns have no bulk to read figures from.
    campaigns_finish_all_final(campaign_ids=list(deltas))
    return matched


def _single_messages_advance(items) -> set[int]:
    """Move the single messages the events name (a verified token's ``m<pk>``) forward,
    as a recipient would move; returns the notifications that named one."""
    named: dict[int, list[tuple[ProviderNotification, StatusEvent]]] = defaultdict(list)
    for notification, events in items:
        for event in events:
            pk = single_message_pk_from_reference(event.reference)
            if pk is not None:
                named[pk].append((notification, event))
    if not named:
        return set()
    matched = set()
    messages = (SentMessage.objects.select_for_update(of=("self",))
                .filter(pk__in=sorted(named)).order_by("pk"))
    for message in messages:
        before = (message.delivery_status, message.delivery_status_at, message.message_id)
        for notification, event in named[message.pk]:
            if notification.provider != message.provider:
                continue
            matched.add(notification.pk)
            if event.message_id and not message.message_id:
                message.message_id = event.message_id[:64]
            target = RECIPIENT_STATUS.get(event.state) if event.state is not None else None
            current = RANK.get(message.delivery_status, -1)
            if target is not None and current < FINAL_RANK and RANK[target] > current:
                message.delivery_status = target
                message.delivery_status_at = event.occurred_at or notification.received_at
        if (message.delivery_status, message.delivery_status_at, message.message_id) != before:
            message.save(update_fields=["delivery_status", "delivery_status_at", "message_id",
                                        "updated_at"])
    return matched


def _recipients_locked(items) -> dict[tuple[str, str, str], Recipient]:
    """The recipients the events name, locked, keyed ("ref"|"id", provider, value)."""
    references: dict[str, set[int]] = defaultdict(set)
    message_ids: dict[str, set[str]] = defaultdict(set)
    for source, events in items:
        for event in events:
            pk = recipient_pk_from_reference(event.reference)
            if pk is not None:
                references[source.provider].add(pk)
            elif single_message_pk_from_reference(event.reference) is not None:
                continue  # a single message's (_single_messages_advance)
            elif event.message_id:
                message_ids[source.provider].add(event.message_id)
    found: dict[tuple[str, str, str], Recipient] = {}
    fields = ("pk", "campaign_id", "campaign__provider", *RECIPIENT_FIELDS)
    for provider, pks in references.items():
        rows = (Recipient.objects.select_for_update(of=("self",))
                .filter(pk__in=sorted(pks), campaign__provider=provider)
                .select_related("campaign").only(*fields).order_by("pk"))
        for row in rows:
            found[("ref", provider, str(row.pk))] = row
    for provider, ids in message_ids.items():
        rows = (Recipient.objects.select_for_update(of=("self",))
                .filter(message_id__in=sorted(ids), campaign__provider=provider)
                .exclude(message_id="").select_related("campaign").only(*fields)
                .order_by("pk"))
        for row in rows:
            # One object per row: a row named by reference and by id is moved once.
            found[("id", provider, row.message_id)] = found.get(
                ("ref", provider, str(row.pk)), row)
    return found


def _recipient_of(recipients, provider: str, event: StatusEvent) -> Recipient | None:
    pk = recipient_pk_from_reference(event.reference)
    if pk is not None:
        return recipients.get(("ref", provider, str(pk)))
    if single_message_pk_from_reference(event.reference) is not None:
        return None
    if event.message_id:
        return recipients.get(("id", provider, event.message_id))
    return None


def status_event_advance(recipient: Recipient, event: StatusEvent, *, received_at) -> bool:
    """Move the recipient forward by one event; returns whether anything changed.

    Forward-only by the recipient's rank: a final status is never replaced, a late "sent"
    after "delivered" only fills in the send time. An event without a mapped state (a
    status the provider's map does not know) moves nothing but the message id.
    """
    original = [getattr(recipient, name) for name in RECIPIENT_FIELDS]
    occurred = event.occurred_at or received_at
    if event.message_id and not recipient.message_id:
        recipient.message_id = event.message_id[:64]
    target = RECIPIENT_STATUS.get(event.state) if event.state is not None else None
    if target is not None:
        current = RANK[recipient.status]
        if current < FINAL_RANK and RANK[target] > current:
            recipient.status = target
            if RANK[target] >= FINAL_RANK:
                recipient.delivered_at = occurred
                recipient.status_code = (event.error or event.raw_status or "")[:64]
        if RANK[target] >= SENT_RANK and recipient.sent_at is None:
            recipient.sent_at = occurred
    return original != [getattr(recipient, name) for name in RECIPIENT_FIELDS]


# --- single messages ------------------------------------------------------------------


def sent_message_status_apply(*, sent_message_id: int, event: StatusEvent) -> bool:
    """A polled status of one single message (SMS.by's ``checkSMS``) applied as a
    recipient's: the same map and ranks, forward only (a final status is never replaced),
    and the channel it went by when the provider names it. Returns whether anything changed."""
    with transaction.atomic():
        message = SentMessage.objects.select_for_update().get(pk=sent_message_id)
        fields = []
        if event.channel and event.channel != message.channel:
            message.channel = event.channel[:12]
            fields.append("channel")
        target = RECIPIENT_STATUS.get(event.state) if event.state is not None else None
        current = RANK[message.delivery_status] if message.delivery_status else -1
        if target is not None and current < FINAL_RANK and RANK[target] > current:
            message.delivery_status = target
            message.delivery_status_at = event.occurred_at or timezone.now()
            fields += ["delivery_status", "delivery_status_at"]
        if fields:
            message.save(update_fields=[*fields, "updated_at"])
    return bool(fields)
