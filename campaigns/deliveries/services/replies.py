"""Incoming messages: kept as replies, linked to the campaign they answer; STOP opts out.

A reply belongs to the latest ECO_RESP/PRO_RESP campaign that was submitted to the number
before the reply came (the postback names no campaign: its ``uuid`` is the incoming
message's own). A STOP reply (see :mod:`campaigns.deliveries.stop`) blacklists the number
through the contacts service, which pushes it to Justsend through the outbox; the reply
links the blacklist entry, whose reason, note and time say what came and when.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime

from django.utils import timezone

from campaigns.deliveries.models import Postback, Reply
from campaigns.deliveries.services.counters import counters_add
from campaigns.deliveries.stop import is_stop_message
from campaigns.models import Campaign, Recipient
from contacts.models import BlacklistEntry
from contacts.phones import msisdn_parse
from contacts.services.blacklist import blacklist_numbers_add
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
InboundMessage = JS.InboundMessage

logger = logging.getLogger(__name__)

REPLY_VARIANTS = (Campaign.Variant.ECO_RESP, Campaign.Variant.PRO_RESP)
NOTE_MESSAGE_MAX = 200


def msisdn_digits(msisdn: str) -> str:
    """Justsend's number as the panel stores it: digits with the country code."""
    digits = "".join(c for c in msisdn if c.isdigit())
    return digits[2:] if digits.startswith("00") else digits


def replies_store(*, items: list[tuple[Postback, InboundMessage]]) -> int:
    """Keep each incoming message once (per postback) and act on STOP; returns how many.

    A few queries per batch: the postbacks already kept, the reply campaigns of the numbers
    and one INSERT; only a STOP reply costs queries of its own.
    """
    kept = set(
        Reply.objects.filter(postback__in=[postback for postback, _message in items])
        .values_list("postback_id", flat=True)
    )
    new = [_reply_build(postback, message) for postback, message in items
           if postback.pk not in kept]
    if not new:
        return 0
    campaigns = reply_campaigns_find(msisdns={reply.msisdn for reply in new})
    per_campaign: dict[int, Counter] = defaultdict(Counter)
    for reply in new:
        reply.campaign_id = _latest_before(campaigns.get(reply.msisdn, []), reply.received_at)
        if reply.campaign_id:
            per_campaign[reply.campaign_id]["replies"] += 1
    Reply.objects.bulk_create(new)
    for reply in new:
        if reply.is_stop:
            reply_stop_apply(reply=reply)
    counters_add(per_campaign)
    return len(new)


def _reply_build(postback: Postback, message: InboundMessage) -> Reply:
    return Reply(
        postback=postback,
        message_id=(message.message_id or "")[:64],
        msisdn=msisdn_digits(message.msisdn or "")[:32],
        message=message.message,
        sender=(message.sender or "")[:64],
        operator=(message.operator or "")[:100],
        prefix=(message.prefix or "")[:100],
        group_name=(message.group_name or "")[:200],
        received_at=message.received_at or postback.received_at,
        is_stop=is_stop_message(message.message),
    )


def reply_campaigns_find(*, msisdns: set[str]) -> dict[str, list[tuple[datetime, int]]]:
    """number -> ``(submitted_at, campaign id)`` of the reply campaigns sent to it."""
    found: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    rows = Recipient.objects.filter(
        msisdn__in=sorted(msisdns), campaign__variant__in=REPLY_VARIANTS,
        campaign__submitted_at__isnull=False,
    ).values_list("msisdn", "campaign__submitted_at", "campaign_id")
    for msisdn, submitted_at, campaign_id in rows:
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
