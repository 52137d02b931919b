"""Incoming messages of every provider: kept as replies, linked to the campaign they
answer; STOP opts out.

Justsend's come in incoming postbacks (:func:`replies_store`), other providers' in their
notifications (:func:`provider_replies_store`); both are kept once (per postback, per
notification and place in it) and go through the same linking and STOP handling.

A reply belongs to the campaign of the recipient it names, where the provider echoes the
panel's recipient reference (SMS Manager's ``payload``) and that recipient has the
replying number; otherwise to the latest campaign of the same provider submitted to the
number before the reply came (for Justsend: an ECO_RESP/PRO_RESP one; its postback names no
campaign: its ``uuid`` is the incoming message's own). A STOP reply (see
:mod:`campaigns.deliveries.stop`) blacklists the number through the contacts service, which
pushes it to Justsend through the outbox; the reply links the blacklist entry, whose
reason, note and time say what came and when.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime

from django.utils import timezone

from campaigns.deliveries.models import Postback, ProviderNotification, Reply
from campaigns.deliveries.services.counters import counters_add
from campaigns.deliveries.stop import is_stop_message
from campaigns.models import Campaign, Recipient
from contacts.models import BlacklistEntry
from contacts.phones import msisdn_parse
from contacts.services.blacklist import blacklist_numbers_add
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.types import InboundMessage

JS = vocabulary("justsend")

logger = logging.getLogger(__name__)

JUSTSEND = "justsend"
REPLY_VARIANTS = (Campaign.Variant.ECO_RESP, Campaign.Variant.PRO_RESP)
NOTE_MESSAGE_MAX = 200


def msisdn_digits(msisdn: str) -> str:
    """A provider's number as the panel stores it: digits with the country code."""
    digits = "".join(c for c in msisdn if c.isdigit())
    return digits[2:] if digits.startswith("00") else digits


def replies_store(*, items: list[tuple[Postback, JS.InboundMessage]]) -> int:
    """Keep each of Justsend's incoming messages once (per postback) and act on STOP;
    returns how many were new.

    A few queries per batch: the postbacks already kept, the reply campaigns of the numbers
    and one INSERT; only a STOP reply costs queries of its own.
    """
    kept = set(
        Reply.objects.filter(postback__in=[postback for postback, _message in items])
        .values_list("postback_id", flat=True)
    )
    new = [_reply_build(message, received_at=postback.received_at, postback=postback)
           for postback, message in items if postback.pk not in kept]
    return _replies_keep(new, provider=JUSTSEND)


def provider_replies_store(*, provider: str,
                           items: list[tuple[ProviderNotification, int, InboundMessage]]) -> int:
    """Keep each reply of another provider's notifications once (per notification and
    ``index``, its place among the notification's events) and act on STOP; returns how
    many were new. A notification applied again (after a quarantine) keeps no reply twice.
    """
    kept = set(
        Reply.objects.filter(notification__in={notification.pk for notification, _i, _m in items})
        .values_list("notification_id", "notification_index")
    )
    new: list[Reply] = []
    references: dict[int, int] = {}
    for notification, index, message in items:
        if (notification.pk, index) in kept:
            continue
        reply = _reply_build(message, received_at=notification.received_at,
                             notification=notification, notification_index=index)
        if message.reference and str(message.reference).isdigit():
            references[len(new)] = int(message.reference)
        new.append(reply)
    if references:
        named = {pk: (msisdn, campaign_id) for pk, msisdn, campaign_id in Recipient.objects.filter(
            pk__in=sorted(set(references.values())), campaign__provider=provider,
        ).values_list("pk", "msisdn", "campaign_id")}
        for position, pk in references.items():
            msisdn, campaign_id = named.get(pk, (None, None))
            if msisdn is not None and msisdn == new[position].msisdn:
                new[position].campaign_id = campaign_id
    return _replies_keep(new, provider=provider)


def _reply_build(message, *, received_at: datetime, **origin) -> Reply:
    """A reply from a neutral or a Justsend ``InboundMessage`` (which has more fields)."""
    return Reply(
        **origin,
        message_id=(message.message_id or "")[:64],
        msisdn=msisdn_digits(message.msisdn or "")[:32],
        message=message.message,
        sender=(message.sender or "")[:64],
        operator=(getattr(message, "operator", None) or "")[:100],
        prefix=(getattr(message, "prefix", None) or "")[:100],
        group_name=(getattr(message, "group_name", None) or "")[:200],
        received_at=message.received_at or received_at,
        is_stop=is_stop_message(message.message),
    )


def _replies_keep(new: list[Reply], *, provider: str) -> int:
    """Link the replies no reference linked, save them, count them, act on STOP."""
    if not new:
        return 0
    unlinked = {reply.msisdn for reply in new if reply.campaign_id is None}
    campaigns = reply_campaigns_find(msisdns=unlinked, provider=provider) if unlinked else {}
    per_campaign: dict[int, Counter] = defaultdict(Counter)
    for reply in new:
        if reply.campaign_id is None:
            reply.campaign_id = _latest_before(campaigns.get(reply.msisdn, []), reply.received_at)
        if reply.campaign_id:
            per_campaign[reply.campaign_id]["replies"] += 1
    Reply.objects.bulk_create(new)
    for reply in new:
        if reply.is_stop:
            reply_stop_apply(reply=reply)
    counters_add(per_campaign)
    return len(new)


def reply_campaigns_find(*, msisdns: set[str], provider: str = JUSTSEND,
                         ) -> dict[str, list[tuple[datetime, int]]]:
    """number -> ``(submitted_at, campaign id)`` of the campaigns of ``provider`` sent to
    it that take replies (Justsend's: the ECO_RESP/PRO_RESP variants; others': every one)."""
    found: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    rows = Recipient.objects.filter(
        msisdn__in=sorted(msisdns), campaign__provider=provider,
        campaign__submitted_at__isnull=False,
    )
    if provider == JUSTSEND:
        rows = rows.filter(campaign__variant__in=REPLY_VARIANTS)
    for msisdn, submitted_at, campaign_id in rows.values_list(
            "msisdn", "campaign__submitted_at", "campaign_id"):
        found[msisdn].append((submitted_at, campaign_id))
    return found


def _latest_before(campaigns: list[tuple[datetime, int]], received_at: datetime) -> int | None:
    """The campaign submitted last before the reply came: the one it answers."""
    before = [item for item in campaigns if item[0] <= received_at]
    return max(before)[1] if before else None


def reply_stop_apply(*, reply: Reply) -> BlacklistEntry | None:
    """Blacklist the reply's number (reason "STOP reply") and link the entry to the reply."""
    parsed = msisdn_parse("+" + reply.msisdn)
    if not parsed.valid:
        logger.warning("STOP reply #%s from %r: not a valid number, not blacklisted: %s",
                       reply.pk, reply.msisdn, parsed.error)
        return None
    # The note is stored once and read in any language: the reason column says "STOP
    # reply" in the reader's; the note keeps only the words and the time, as numbers.
    when = timezone.localtime(reply.received_at).strftime("%Y-%m-%d %H:%M")
    note = f"“{reply.message.strip()[:NOTE_MESSAGE_MAX]}” {when}"
    result = blacklist_numbers_add(text=parsed.msisdn, reason=BlacklistEntry.Reason.STOP_REPLY,
                                   note=note[:500])
    entry = BlacklistEntry.objects.filter(msisdn=parsed.msisdn).first()
    Reply.objects.filter(pk=reply.pk).update(blacklist_entry=entry)
    reply.blacklist_entry = entry
    logger.info("STOP reply #%s: %s %s", reply.pk, parsed.msisdn,
                "blacklisted" if result.added else "was blacklisted already")
    return entry
