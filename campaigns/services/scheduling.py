"""The 30-second beat: hand due scheduled campaigns to the submit task, pick up lost ones.

A scheduled campaign stays in the panel until its time, so the blacklist and STOP replies
added in the meantime apply, and no points are charged early.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign
from campaigns.services.polling import campaigns_cancel_lapsed
from campaigns.services.sending import SUBMIT_TASK, campaign_enqueue
from campaigns.services.state import campaign_transition, lapsed_hand_on
from justsend_panel.core.leases import lease_expired_q

S = Campaign.Status


def campaigns_submit_due(*, now: datetime | None = None) -> list[int]:
    """Queue every scheduled campaign whose time has come; returns their ids.

    Also hands on submissions and cancels whose lease lapsed (a dead worker) or that no
    task ever claimed (a lost message); a task that finds the lease held does nothing.
    """
    now = now or timezone.now()
    due = list(
        Campaign.objects.filter(status=S.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk").values_list("pk", flat=True)
    )
    queued = []
    for campaign_id in due:
        with transaction.atomic():
            try:
                campaign_transition(campaign_id=campaign_id, to=S.QUEUED, from_states=[S.SCHEDULED])
            except InvalidTransition:
                continue  # cancelled or edited while we looked
            campaign_enqueue(SUBMIT_TASK, campaign_id)
        queued.append(campaign_id)
    # Leases are measured on the real clock: ``now`` only says which schedules are due.
    # A submission cancelled before Justsend's answer was recorded is the submit task's too.
    lapsed = lapsed_hand_on(
        Campaign.objects.filter(status__in=[S.QUEUED, S.SUBMITTING, S.CANCELLING],
                                batch_id=""),
        timezone.now(),
    )
    for campaign_id in lapsed:
        campaign_enqueue(SUBMIT_TASK, campaign_id)
    # A "send to the in-doubt recipients" runs on a sending campaign sent in recorded calls
    # (no bulk): only an expired lease is handed on there, never an unclaimed one.
    resending = Campaign.objects.filter(lease_expired_q(timezone.now()), status=S.SENDING,
                                        batch_id="").exclude(provider="justsend")
    for campaign_id in list(resending.order_by("pk").values_list("pk", flat=True)):
        if resending.filter(pk=campaign_id).update(lease_token="", lease_expires_at=None):
            campaign_enqueue(SUBMIT_TASK, campaign_id)
    campaigns_cancel_lapsed()
    return queued
