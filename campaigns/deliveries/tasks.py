"""Celery tasks of delivery tracking: no call to Justsend, so nothing to retry; a failed
run leaves the postbacks pending for the next request or the beat entry."""

from celery import shared_task

from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.deliveries.services.receiving import APPLY_TASK, postbacks_apply_request
from campaigns.deliveries.services.statuses import provider_notifications_apply


@shared_task(name=APPLY_TASK, acks_late=True, ignore_result=True)
def postbacks_apply_task() -> None:
    """Justsend's postbacks, then the other providers' status notifications."""
    result = postbacks_apply()
    notifications = provider_notifications_apply()
    if result.more or notifications.more:
        postbacks_apply_request(force=True)
