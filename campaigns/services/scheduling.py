"""The minute beat: hand due scheduled campaigns to the submit task, and pick up stuck ones.

A scheduled campaign stays in the panel until its time, so the blacklist and STOP replies
added in the meantime apply, and no points are charged early.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign
from campaigns.services.sending import SUBMIT_TASK, campaign_enqueue
from campaigns.services.state import campaign_transition

S = Campaign.Status
# A submission untouched this long lost its worker: the submit task runs again, and its
# recovery path asks Justsend before sending anything.
SUBMIT_STALE = timedelta(minutes=10)


def campaigns_submit_due(*, now: datetime | None = None) -> list[int]:
    """Queue every scheduled campaign whose time has come; returns their ids."""
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
    # Staleness is measured on the real clock: ``now`` only says which schedules are due.
    stale = Campaign.objects.filter(
        status__in=[S.QUEUED, S.SUBMITTING], updated_at__lt=timezone.now() - SUBMIT_STALE,
        bulk_uuid="",
    ).values_list("pk", flat=True)
    for campaign_id in stale:
        campaign_enqueue(SUBMIT_TASK, campaign_id)
    return queued
