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

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns.deliveries.models import Postback, Reply
from campaigns.deliveries.services.counters import counters_add
from campaigns.deliveries.stop import is_stop_message
from campaigns.models import Campaign, Recipient
from contacts.models import BlacklistEntry
from contacts.phones import msisdn_parse
from contacts.services.blacklist import blacklist_numbers_add
from justsend_panel.sms.types import InboundMessage

logger = logging.getLogger(__name__)

REPLY_VARIANTS = (Campaign.Variant.ECO_RESP, Campaign.Variant.PRO_RESP)
NOTE_MESSAGE_MAX = 200


def msisdn_digits(msisdn: str) -> str:
    """Justsend's number as the panel stores it: digits with the country code."""
    digits = "".join(c for c in msisdn if c.isdigit())
    return digits[2:] if digits.startswith("00") else digits


def replies_store(*, items: list[tuple[Postback, InboundMessage]]) -> int:
    """Keep each incoming message once (per postback) and act on STOP; returns how many."""
    per_campaign: dict[int, Counter] = defaultdict(Counter)
    stored = 0
    for postback, message in items:
        reply, created = _reply_create(postback, message)
        if not created:
            continue
        stored += 1
        if reply.campaign_id:
            per_campaign[reply.campaign_id]["replies"] += 1
        if reply.is_stop:
            reply_stop_apply(reply=reply)
    counters_add(per_campaign)
    return stored


def _reply_create(postback: Postback, message: InboundMessage) -> tuple[Reply, bool]:
    msisdn = msisdn_digits(message.msisdn or "")
    received_at = message.received_at or postback.received_at
    return Reply.objects.get_or_create(
        postback=postback,
        defaults={
            "message_id": (message.message_id or "")[:64],
            "msisdn": msisdn[:32],
            "message": message.message,
            "sender": (message.sender or "")[:64],
            "operator": (message.operator or "")[:100],
            "prefix": (message.prefix or "")[:100],
            "group_name": (message.group_name or "")[:200],
            "received_at": received_at,
            "campaign_id": reply_campaign_find(msisdn=msisdn, received_at=received_at),
            "is_stop": is_stop_message(message.message),
        },
    )


def reply_campaign_find(*, msisdn: str, received_at: datetime) -> int | None:
    return (
        Recipient.objects.filter(
            msisdn=msisdn, campaign__variant__in=REPLY_VARIANTS,
            campaign__submitted_at__lte=received_at,
        )
        .order_by("-campaign__submitted_at")
        .values_list("campaign_id", flat=True)
        .first()
    )


def reply_stop_apply(*, reply: Reply) -> BlacklistEntry | None:
    """Blacklist the reply's number (reason "STOP reply") and link the entry to the reply."""
    parsed = msisdn_parse("+" + reply.msisdn)
    if not parsed.valid:
        logger.warning("STOP reply #%s from %r: not a valid number, not blacklisted: %s",
                       reply.pk, reply.msisdn, parsed.error)
        return None
    when = formats.date_format(timezone.localtime(reply.received_at), "DATETIME_FORMAT")
    note = _("STOP reply “%(message)s” received %(when)s") % {
        "message": reply.message.strip()[:NOTE_MESSAGE_MAX], "when": when}
    result = blacklist_numbers_add(text=parsed.msisdn, reason=BlacklistEntry.Reason.STOP_REPLY,
                                   note=note[:500])
    entry = BlacklistEntry.objects.filter(msisdn=parsed.msisdn).first()
    Reply.objects.filter(pk=reply.pk).update(blacklist_entry=entry)
    reply.blacklist_entry = entry
    logger.info("STOP reply #%s: %s %s", reply.pk, parsed.msisdn,
                "blacklisted" if result.added else "was blacklisted already")
    return entry
