"""Following submitted campaigns: Justsend's bulk status and counts, every minute (beat)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign
from campaigns.services.sending import CANCEL_TASK, campaign_enqueue
from campaigns.services.state import campaign_transition, campaign_update_fields
from justsend_panel.core.provider import justsend_client
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsError, SmsNotFound
from justsend_panel.sms.justsend.client import JustsendClient
from justsend_panel.sms.types import BulkDetails, BulkStatus

logger = logging.getLogger(__name__)

S = Campaign.Status
IN_FLIGHT = (S.SENDING, S.CANCELLING)
INVALID_KEPT = 1000  # listed on the page; the count is exact
CANCEL_STALE = timedelta(minutes=5)  # a cancel task that never ran is sent again

FINAL_BULK_STATUSES = {
    BulkStatus.FINISHED: S.FINISHED,
    BulkStatus.CANCELED: S.CANCELLED,
    BulkStatus.CANCELLED_TIME_RESTRICTED: S.CANCELLED,
    BulkStatus.DELETED: S.CANCELLED,
    BulkStatus.REJECTED: S.FAILED,
}


def campaigns_poll_in_flight() -> int:
    """Poll every campaign Justsend is sending; returns how many were polled."""
    ids = list(
        Campaign.objects.filter(status__in=IN_FLIGHT).exclude(bulk_uuid="")
        .order_by("pk").values_list("pk", flat=True)
    )
    if not ids:
        return 0
    with justsend_client() as client:
        for campaign_id in ids:
            try:
                campaign_poll(campaign_id=campaign_id, client=client)
            except TRANSIENT_ERRORS as error:
                # The next minute polls again; one unreachable bulk does not stop the rest.
                logger.warning("Polling campaign %s failed: %s", campaign_id, error)
    return len(ids)


def campaign_poll(*, campaign_id: int, client: JustsendClient) -> Campaign:
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status not in IN_FLIGHT or not campaign.bulk_uuid:
        return campaign
    try:
        details = client.get_bulk(uuid=campaign.bulk_uuid)
    except SmsNotFound:
        reason = _("Justsend no longer knows this campaign's bulk (%(uuid)s).") % {
            "uuid": campaign.bulk_uuid}
        return _move(campaign, S.FAILED, failure_reason=reason, finished_at=timezone.now())
    invalid = _invalid_recipients(client, campaign, details)
    counts = details.counts
    fields = {
        "bulk_status": str(details.bulk.bulk_status or ""),
        "remote_recipients_count": counts.recipients or 0,
        # Postbacks move these too (campaigns.deliveries): a poll never lowers them.
        "sent_count": Greatest(F("sent_count"), Value(counts.sent or 0)),
        "delivered_count": Greatest(F("delivered_count"), Value(counts.delivered or 0)),
        "undelivered_count": Greatest(F("undelivered_count"), Value(counts.undelivered or 0)),
        "not_sent_count": counts.not_sent or 0,
        "charged_points": details.bulk.charged_points,
        "cost": details.cost.amount if details.cost else None,
        "cost_currency": (details.cost.currency or "") if details.cost else "",
        "last_polled_at": timezone.now(),
    }
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
        return _move(campaign, final, **extra)
    if campaign.status == S.CANCELLING and timezone.now() - campaign.updated_at > CANCEL_STALE:
        campaign_enqueue(CANCEL_TASK, campaign_id)
    return campaign


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
        rows = client.list_invalid_recipients(uuid=campaign.bulk_uuid, user_id=int(user_id))
    except SmsError as error:
        logger.info("Invalid recipients of campaign %s not read: %s", campaign.pk, error)
        return None
    return [[row.msisdn or "", row.reason or ""] for row in rows]
