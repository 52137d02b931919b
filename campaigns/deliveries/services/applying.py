"""Applying stored postbacks to recipient rows, a batch at a time.

Statuses only move forward: queued/submitted -> sent -> delivered | undelivered | expired |
rejected. A final state is never overwritten (a late "sent" after "delivered" changes
nothing but a missing send time; a second final report is ignored). A batch reads its
recipients in one query, writes them with one ``UPDATE … FROM (VALUES …)`` per 500 rows,
and moves the campaign counters in the same transaction.

Counters: :class:`DeliveryCounts` holds what the applied postbacks counted, exactly (a
recipient counts once, when its status first reaches a step). The campaign's counters
become the larger of those and what polling read from Justsend, and polling never lowers
them, so the two sources agree on the freshest figure. ``undelivered_count`` is every
final state but delivered (undelivered, expired, rejected): "sent, awaiting a report" is
then ``sent - delivered - undelivered`` on both paths.

A delivery postback whose bulk is not known yet (it arrived before the submission
recorded the bulk's uuid) waits and is applied once the campaign knows its bulk; after
``POSTBACK_WAIT_DAYS`` it is marked unmatched, still kept.

A batch whose apply raises is rolled back to its savepoint and applied again in halves,
down to single postbacks; one that fails alone is quarantined (state failed, the error,
the attempt counted) and the rest of the run goes on. :func:`postbacks_reapply` (Django
admin's action) queues quarantined postbacks again.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.deliveries.models import Postback
from campaigns.deliveries.services.counters import counters_add
from campaigns.deliveries.services.receiving import postbacks_apply_request
from campaigns.deliveries.services.replies import msisdn_digits, replies_store
from campaigns.models import Campaign, Recipient
from campaigns.services.state import campaigns_finish_all_final
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.webhooks import storable_text

JS = vocabulary("justsend")
parse_postback = JS.parse_postback
DeliveryEvent = JS.DeliveryEvent
DeliveryStatus = JS.DeliveryStatus
PostbackKind = JS.PostbackKind

logger = logging.getLogger(__name__)

R = Recipient.Status
P = Postback.State
SENT_RANK, FINAL_RANK = 2, 3
# Cancelled/failed (never sent, campaign ended) sit below sent: a later send or delivery
# report from Justsend proves the message left, and wins.
RANK = {R.QUEUED: 0, R.IN_DOUBT: 0.5, R.SUBMITTED: 1, R.CANCELLED: 1.5, R.FAILED: 1.5, R.SENT: SENT_RANK,
        R.DELIVERED: FINAL_RANK, R.UNDELIVERED: FINAL_RANK, R.EXPIRED: FINAL_RANK,
        R.REJECTED: FINAL_RANK}
FINAL_STATUS = {
    DeliveryStatus.MESSAGE_DELIVERED: R.DELIVERED,
    DeliveryStatus.MESSAGE_UNDELIVERED: R.UNDELIVERED,
    DeliveryStatus.MESSAGE_EXPIRED: R.EXPIRED,
    DeliveryStatus.MESSAGE_REJECTED: R.REJECTED,
}
RECIPIENT_FIELDS = ["status", "status_code", "operator", "message_id", "sent_at", "delivered_at",
                    "updated_at"]
UPDATE_BATCH = 500
FINISHED_READ_TASK = "campaigns.read_finished"


@dataclass
class ApplyResult:
    applied: int = 0
    waiting: int = 0
    unmatched: int = 0
    malformed: int = 0
    failed: int = 0  # quarantined
    replies: int = 0
    read: int = 0  # postbacks taken from the queue
    more: bool = False  # stopped by the time budget with postbacks left

    def add(self, other: ApplyResult) -> None:
        for name in ("applied", "waiting", "unmatched", "malformed", "failed", "replies",
                     "read"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Deltas:
    by_campaign: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def count(self, campaign_id: int, before: str, after: str) -> None:
        if RANK[before] < SENT_RANK <= RANK[after]:
            self.by_campaign[campaign_id]["sent"] += 1
        if RANK[before] < FINAL_RANK == RANK[after]:
            self.by_campaign[campaign_id][after] += 1


def postbacks_apply(*, limit: int | None = None, budget_seconds: float | None = None,
                    ) -> ApplyResult:
    """Apply pending postbacks batch after batch until none is left or time is up."""
    limit = limit or settings.POSTBACK_APPLY_BATCH
    budget = settings.POSTBACK_APPLY_BUDGET if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    postbacks_waiting_release()
    total = ApplyResult()
    while True:
        result = postbacks_apply_batch(limit=limit)
        total.add(result)
        if result.read < limit:
            return total
        if time.monotonic() > deadline:
            total.more = True
            return total


def postbacks_waiting_release(*, now=None) -> int:
    """Queue again the waiting postbacks whose bulk is now known; give up on very old ones."""
    now = now or timezone.now()
    known = Campaign.objects.exclude(batch_id="").values("batch_id")
    released = Postback.objects.filter(state=P.WAITING, bulk_uuid__in=known).update(
        state=P.PENDING
    )
    given_up = Postback.objects.filter(
        state=P.WAITING, received_at__lt=now - timedelta(days=settings.POSTBACK_WAIT_DAYS)
    ).update(state=P.UNMATCHED, error=_("No campaign had this bulk within %(days)d days.")
             % {"days": settings.POSTBACK_WAIT_DAYS})
    if given_up:
        logger.info("%d postbacks waited too long for their campaign: unmatched", given_up)
    return released


@transaction.atomic
def postbacks_apply_batch(*, limit: int) -> ApplyResult:
    """Apply up to ``limit`` pending postbacks in one transaction (oldest first).

    The batch's rows stay locked until it commits: on PostgreSQL concurrent workers take
    disjoint batches (``SKIP LOCKED``); SQLite (``BEGIN IMMEDIATE``) serialises them. So
    no postback is applied by two runs. A postback that makes the apply raise is
    quarantined and the others are applied without it.
    """
    batch = list(
        Postback.objects.select_for_update(skip_locked=True)
        .filter(state=P.PENDING).order_by("pk")
        .only("pk", "kind", "body", "received_at")[:limit]
    )
    result = ApplyResult(read=len(batch))
    if batch:
        _apply_or_split(batch, result)
    return result


def _apply_or_split(batch: list[Postback], result: ApplyResult) -> None:
    def quarantine(postback: Postback, error: Exception) -> None:
        _quarantine(postback, error)
        result.failed += 1

    apply_or_split(batch, lambda part: result.add(_postbacks_apply(part)), quarantine)


def apply_or_split(items: list, apply, quarantine) -> None:
    """``apply(items)`` in a savepoint; if it raises, each half the same way, down to one
    item, which ``quarantine(item, error)`` takes: one bad item never holds the others back."""
    try:
        with transaction.atomic():
            apply(items)
    except Exception as error:  # noqa: BLE001 - whatever it is, it must not stop the rest
        if len(items) > 1:
            half = len(items) // 2
            apply_or_split(items[:half], apply, quarantine)
            apply_or_split(items[half:], apply, quarantine)
            return
        quarantine(items[0], error)


def _quarantine(postback: Postback, error: Exception) -> None:
    logger.warning("Postback #%s quarantined: applying it failed: %s: %s", postback.pk,
                   type(error).__name__, error)
    Postback.objects.filter(pk=postback.pk).update(
        state=P.FAILED, error=storable_text(f"{type(error).__name__}: {error}")[:2000],
        attempts=F("attempts") + 1, applied_at=None,
    )


def _postbacks_apply(batch: list[Postback]) -> ApplyResult:
    result = ApplyResult()
    deliveries: list[tuple[Postback, DeliveryEvent]] = []
    incoming = []
    outcome: dict[str, list[int]] = defaultdict(list)
    for postback in batch:
        try:
            event = parse_postback(postback.body, PostbackKind(postback.kind))
        except (SmsWebhookError, ValueError) as error:
            # Stored by an older version or edited by hand: keep it for inspection.
            Postback.objects.filter(pk=postback.pk).update(state=P.MALFORMED, error=str(error))
            result.malformed += 1
            continue
        if event.kind == PostbackKind.INCOMING:
            incoming.append((postback, event))
        else:
            deliveries.append((postback, event))
    if deliveries:
        _deliveries_apply(deliveries, outcome)
    if incoming:
        result.replies = replies_store(items=incoming)
        outcome[P.APPLIED].extend(postback.pk for postback, _event in incoming)
    now = timezone.now()
    for state, ids in outcome.items():
        Postback.objects.filter(pk__in=ids).update(
            state=state, applied_at=now if state == P.APPLIED else None, error=""
        )
    result.applied = len(outcome[P.APPLIED])
    result.waiting = len(outcome[P.WAITING])
    result.unmatched = len(outcome[P.UNMATCHED])
    return result


def postbacks_reapply(*, ids: list[int]) -> int:
    """Queue quarantined postbacks again and ask for an apply; returns how many.

    Their error stays until an apply succeeds (or fails again with a new one).
    """
    count = Postback.objects.filter(pk__in=ids, state=P.FAILED).update(state=P.PENDING)
    if count:
        logger.info("%d quarantined postbacks queued again", count)
        postbacks_apply_request(force=True)
    return count


def _deliveries_apply(items: list[tuple[Postback, DeliveryEvent]],
                      outcome: dict[str, list[int]]) -> None:
    uuids = {event.uuid for _postback, event in items if event.uuid}
    campaigns = dict(
        Campaign.objects.filter(batch_id__in=uuids).exclude(batch_id="")
        .values_list("batch_id", "pk")
    ) if uuids else {}
    wanted: dict[int, set[str]] = defaultdict(set)
    for _postback, event in items:
        if event.uuid in campaigns and event.msisdn:
            wanted[campaigns[event.uuid]].add(msisdn_digits(event.msisdn))
    recipients = _recipients_locked(wanted)
    by_message = _recipients_by_message_id(items, campaigns, recipients)

    now = timezone.now()
    before: dict[int, str] = {}
    changed: dict[int, Recipient] = {}
    for postback, event in items:
        campaign_id = campaigns.get(event.uuid)
        recipient = recipients.get((campaign_id, msisdn_digits(event.msisdn or "")))
        if recipient is None and event.message_id:
            recipient = by_message.get(event.message_id)
        if recipient is None:
            unknown_bulk = campaign_id is None and bool(event.uuid)
            outcome[P.WAITING if unknown_bulk else P.UNMATCHED].append(postback.pk)
            continue
        before.setdefault(recipient.pk, recipient.status)
        if _advance(recipient, event, postback):
            recipient.updated_at = now
            changed[recipient.pk] = recipient
        outcome[P.APPLIED].append(postback.pk)

    if changed:
        recipients_write(list(changed.values()))
    deltas = _Deltas()
    for recipient in changed.values():
        deltas.count(recipient.campaign_id, before[recipient.pk], recipient.status)
    counters_add(deltas.by_campaign)
    finalised = [cid for cid, counts in deltas.by_campaign.items()
                 if any(counts[status] for status in FINAL_STATUS.values())]
    for campaign_id in campaigns_finish_all_final(campaign_ids=finalised):
        # Polling stops with the campaign: Justsend's last figures are read once.
        task_enqueue(FINISHED_READ_TASK, kwargs={"campaign_id": campaign_id})


def recipients_write(rows: list[Recipient]) -> None:
    """One ``UPDATE … FROM (VALUES …)`` per ``UPDATE_BATCH`` rows, each row its own values.

    Django's ``bulk_update`` builds a CASE per field with an arm per row: seconds of Python
    for a thousand rows. PostgreSQL needs the VALUES typed; SQLite (3.33+) takes them as is.
    """
    table = connection.ops.quote_name(Recipient._meta.db_table)
    typed = connection.vendor == "postgresql"
    casts = ("::bigint", "", "", "", "", "::timestamptz", "::timestamptz", "::timestamptz")
    row_sql = "(" + ", ".join(f"%s{c if typed else ''}" for c in casts) + ")"
    columns = ", ".join(RECIPIENT_FIELDS)
    assignments = ", ".join(f"{name} = v.{name}" for name in RECIPIENT_FIELDS)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPDATE_BATCH):
            chunk = rows[start:start + UPDATE_BATCH]
            params = []
            for row in chunk:
                params += [row.pk, row.status, row.status_code, row.operator, row.message_id,
                           adapt(row.sent_at), adapt(row.delivered_at), adapt(row.updated_at)]
            cursor.execute(
                f"WITH v (id, {columns}) AS (VALUES {', '.join([row_sql] * len(chunk))})"
                f" UPDATE {table} SET {assignments} FROM v WHERE {table}.id = v.id",
                params,
            )


def _recipients_locked(wanted: dict[int, set[str]]) -> dict[tuple[int, str], Recipient]:
    if not wanted:
        return {}
    condition = Q()
    for campaign_id, msisdns in wanted.items():
        condition |= Q(campaign_id=campaign_id, msisdn__in=sorted(msisdns))
    rows = (
        Recipient.objects.select_for_update(of=("self",)).filter(condition).order_by("pk")
        .only("pk", "campaign_id", "msisdn", *RECIPIENT_FIELDS)
    )
    return {(row.campaign_id, row.msisdn): row for row in rows}


def _recipients_by_message_id(items, campaigns, recipients) -> dict[str, Recipient]:
    """Events that name no known bulk but a message id a recipient row already has."""
    ids = {
        event.message_id for _postback, event in items
        if event.message_id
        and (campaigns.get(event.uuid), msisdn_digits(event.msisdn or "")) not in recipients
    }
    if not ids:
        return {}
    rows = (
        Recipient.objects.select_for_update(of=("self",)).filter(message_id__in=sorted(ids))
        .exclude(message_id="")  # the partial index's condition: lets the database use it
        .order_by("pk").only("pk", "campaign_id", "msisdn", *RECIPIENT_FIELDS)
    )
    found = {}
    for row in rows:
        # The same row may also be matched by (bulk, number) in this batch: use one object.
        found[row.message_id] = recipients.get((row.campaign_id, row.msisdn), row)
    return found


def _advance(recipient: Recipient, event: DeliveryEvent, postback: Postback) -> bool:
    """Move the recipient forward by one event; returns whether anything changed."""
    original = [getattr(recipient, name) for name in RECIPIENT_FIELDS]
    occurred = event.occurred_at or postback.received_at
    if event.message_id and not recipient.message_id:
        recipient.message_id = event.message_id[:64]
    if event.operator and not recipient.operator:
        recipient.operator = event.operator[:100]
    rank = RANK[recipient.status]
    if event.kind == PostbackKind.SEND_STATUS:
        if rank < SENT_RANK:
            recipient.status = R.SENT
            recipient.sent_at = occurred
        elif recipient.sent_at is None:
            # The delivery report came first; the send time still belongs to the row.
            recipient.sent_at = occurred
    elif rank < FINAL_RANK:
        final = FINAL_STATUS.get(event.status)
        if final is not None:
            recipient.status = final
            recipient.delivered_at = occurred
        # An outcome the manual does not list is kept as text; the status waits for one.
        recipient.status_code = (event.status_code or "")[:64]
    return original != [getattr(recipient, name) for name in RECIPIENT_FIELDS]
