"""Following submitted campaigns: Justsend's bulk status and counts, every minute (beat);
settling a cancelled one; handing on cancels whose worker died."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign
from campaigns.services.sending import CANCEL_TASK, campaign_enqueue
from campaigns.services.state import (
    campaign_transition,
    campaign_update_fields,
    lapsed_hand_on,
    recipients_close,
)
from justsend_panel.core.provider import provider_backend
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsError, SmsNotFound, SmsUnsupported
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.retrying import call_retrying

JS = vocabulary("justsend")
JustsendClient = JS.JustsendClient
BulkDetails = JS.BulkDetails
BulkStatus = JS.BulkStatus

logger = logging.getLogger(__name__)

S = Campaign.Status
IN_FLIGHT = (S.SENDING, S.CANCELLING)
INVALID_KEPT = 1000  # listed on the page; the count is exact
# A campaign its postbacks finished is read from Justsend once more, retried by the poll
# for this long (a bulk Justsend no longer knows is then left alone).
FINISHED_READ_WITHIN = timedelta(days=1)

FINAL_BULK_STATUSES = {
    BulkStatus.FINISHED: S.FINISHED,
    BulkStatus.CANCELED: S.CANCELLED,
    BulkStatus.CANCELLED_TIME_RESTRICTED: S.CANCELLED,
    BulkStatus.DELETED: S.CANCELLED,
    BulkStatus.REJECTED: S.FAILED,
}


def campaigns_poll_in_flight() -> int:
    """Poll every campaign Justsend is sending; returns how many were polled.

    Also reads once more the campaigns their postbacks finished and no read followed (the
    task that reads them was lost): see :func:`campaign_finished_read`.
    """
    for campaign_id in campaigns_finished_unread_ids():
        campaign_finished_read(campaign_id=campaign_id)
    ids = list(
        Campaign.objects.filter(status__in=IN_FLIGHT).exclude(batch_id="")
        .order_by("pk").values_list("pk", flat=True)
    )
    if not ids:
        return 0
    # Each campaign is polled at its own provider, one client per provider.
    by_provider: dict[str, list[int]] = {}
    for campaign_id, provider in Campaign.objects.filter(pk__in=ids).order_by("pk").values_list(
            "pk", "provider"):
        by_provider.setdefault(provider, []).append(campaign_id)
    for provider, provider_ids in by_provider.items():
        try:
            backend = provider_backend(provider, needs="delivery_polling")
        except SmsUnsupported as error:
            logger.warning("Polling %s campaigns %s: %s", provider, provider_ids, error)
            continue
        with backend, backend.client() as client:
            for campaign_id in provider_ids:
                try:
                    campaign_poll(campaign_id=campaign_id, client=client)
                except TRANSIENT_ERRORS as error:
                    # The next minute polls again; one unreachable bulk does not stop the rest.
                    logger.warning("Polling campaign %s failed: %s", campaign_id, error)
    return len(ids)


def campaign_poll(*, campaign_id: int, client: JustsendClient) -> Campaign:
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status not in IN_FLIGHT or not campaign.batch_id:
        return campaign
    try:
        details = client.get_bulk(uuid=campaign.batch_id)
    except SmsNotFound:
        reason = _("Justsend no longer knows this campaign's bulk (%(uuid)s).") % {
            "uuid": campaign.batch_id}
        return _move(campaign, S.FAILED, failure_reason=reason, finished_at=timezone.now())
    invalid = _invalid_recipients(client, campaign, details)
    fields = _bulk_fields(details)
    if invalid is not None:
        fields["remote_invalid_count"] = len(invalid)
        fields["remote_invalid_recipients"] = invalid[:INVALID_KEPT]
    campaign_update_fields(campaign_id=campaign_id, in_states=IN_FLIGHT, **fields)
    final = FINAL_BULK_STATUSES.get(details.bulk.bulk_status)
    if final is not None:
        extra = {"finished_at": timezone.now()}
        if final == S.FAILED:
            extra["failure_reason"] = _("Justsend rejected the campaign (status %(status)s).") % {
                "status": details.bulk.bulk_status}
        moved = _move(campaign, final, **extra)
        recipients_close(campaign_id=campaign_id)
        return moved
    return campaign


def _bulk_fields(details: BulkDetails) -> dict:
    """The campaign's figures from Justsend's bulk details (manual 8.2)."""
    counts = details.counts
    charged = details.bulk.charged_points
    first_charge = details.bulk_cost_in_points
    return {
        "bulk_status": str(details.bulk.bulk_status or ""),
        "remote_recipients_count": counts.recipients or 0,
        # Postbacks move these too (campaigns.deliveries): a poll never lowers them.
        "sent_count": Greatest(F("sent_count"), Value(counts.sent or 0)),
        "delivered_count": Greatest(F("delivered_count"), Value(counts.delivered or 0)),
        "undelivered_count": Greatest(F("undelivered_count"), Value(counts.undelivered or 0)),
        "not_sent_count": counts.not_sent or 0,
        "charged_points": charged,
        # chargedPoints is what the bulk costs now; bulkCostInPoints what it was charged
        # first: a cancel's refund is the difference.
        "refunded_points": (max(first_charge - charged, Decimal(0))
                            if charged is not None and first_charge is not None else None),
        "cost": details.cost.amount if details.cost else None,
        "cost_currency": (details.cost.currency or "") if details.cost else "",
        "last_polled_at": timezone.now(),
    }


def campaign_settle(*, campaign_id: int) -> None:
    """Read a cancelled bulk once more and close the campaign's books.

    Justsend refunds the unsent part of a cancelled bulk: the figures (not sent, charged,
    refunded) are read once more and stored; every recipient that never left becomes
    ``cancelled``. A read that fails after a few seconds of retries leaves the figures of
    the last poll (logged); the recipients are closed either way.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.batch_id:
        try:
            with _polling_client(campaign) as client:
                details = call_retrying(lambda: client.get_bulk(uuid=campaign.batch_id))
        except SmsError as error:
            logger.warning("Campaign %s: the cancelled bulk could not be read: %s",
                           campaign_id, error)
        else:
            campaign_update_fields(campaign_id=campaign_id, in_states=[S.CANCELLED],
                                   **_bulk_fields(details))
    recipients_close(campaign_id=campaign_id)


def campaigns_finished_unread_ids() -> list[int]:
    """Finished by their postbacks within the last day, and not read from Justsend since."""
    now = timezone.now()
    return list(
        Campaign.objects.filter(status=S.FINISHED, finished_at__gte=now - FINISHED_READ_WITHIN)
        .exclude(batch_id="")
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=F("finished_at")))
        .order_by("pk").values_list("pk", flat=True)
    )


def campaign_finished_read(*, campaign_id: int) -> None:
    """Read once the bulk of a campaign its postbacks finished (polling has stopped).

    The figures only Justsend knows (charged points, cost, its bulk status) are stored as
    read; a read that fails after a few seconds of retries leaves the last poll's (logged).
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != S.FINISHED or not campaign.batch_id:
        return
    try:
        with _polling_client(campaign) as client:
            details = call_retrying(lambda: client.get_bulk(uuid=campaign.batch_id))
    except SmsError as error:
        logger.warning("Campaign %s: the finished bulk could not be read: %s", campaign_id,
                       error)
        return
    campaign_update_fields(campaign_id=campaign_id, in_states=[S.FINISHED],
                           **_bulk_fields(details))


def _polling_client(campaign: Campaign) -> JustsendClient:
    """The client of the campaign's provider, which must let its batches be read back."""
    return provider_backend(campaign.provider, needs="delivery_polling").client()


def campaigns_cancel_lapsed() -> list[int]:
    """Enqueue again the cancels whose task was lost or whose worker died (lease lapsed)."""
    lapsed = lapsed_hand_on(
        Campaign.objects.filter(status=S.CANCELLING).exclude(batch_id=""), timezone.now())
    for campaign_id in lapsed:
        campaign_enqueue(CANCEL_TASK, campaign_id)
    return lapsed


def _move(campaign: Campaign, to: str, **fields) -> Campaign:
    try:
        return campaign_transition(campaign_id=campaign.pk, to=to, from_states=IN_FLIGHT,
                                   **fields)
    except InvalidTransition:
        return Campaign.objects.get(pk=campaign.pk)


def _invalid_recipients(client: JustsendClient, campaign: Campaign,
                        details: BulkDetails) -> list[list[str]] | None:
    user_id = (details.raw.get("userId") or details.bulk.raw.get("userId")
               if isinstance(details.raw, dict) else None)
    if user_id is None:
        return None
    try:
        rows = client.list_invalid_recipients(uuid=campaign.batch_id, user_id=int(user_id))
    except SmsError as error:
        logger.info("Invalid recipients of campaign %s not read: %s", campaign.pk, error)
        return None
    return [[row.msisdn or "", row.reason or ""] for row in rows]
