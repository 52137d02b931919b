"""Celery tasks of campaigns: ids in, one service call. Transient provider errors retry
with backoff (a 429's Retry-After wins); anything Justsend refuses is handled by the
service, never retried."""

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval

from campaigns.services.cancelling import campaign_cancel_remote
from campaigns.services.polling import campaigns_poll_in_flight
from campaigns.services.scheduling import campaigns_submit_due
from campaigns.services.sending import campaign_submit
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsRateLimited

RETRY_MAX = 8
RETRY_BACKOFF_MAX = 600


class JustsendTask(Task):
    """Retries transient errors itself so that a 429's Retry-After is honoured."""

    abstract = True

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except TRANSIENT_ERRORS as error:
            countdown = get_exponential_backoff_interval(
                factor=2, retries=self.request.retries, maximum=RETRY_BACKOFF_MAX,
                full_jitter=True,
            )
            if isinstance(error, SmsRateLimited) and error.retry_after:
                countdown = max(countdown, error.retry_after)
            raise self.retry(exc=error, countdown=countdown, max_retries=RETRY_MAX) from error


JUSTSEND_TASK = {"base": JustsendTask, "acks_late": True, "ignore_result": True}


@shared_task(name="campaigns.submit", **JUSTSEND_TASK)
def campaign_submit_task(*, campaign_id: int) -> None:
    campaign_submit(campaign_id=campaign_id)


@shared_task(name="campaigns.cancel", **JUSTSEND_TASK)
def campaign_cancel_task(*, campaign_id: int) -> None:
    campaign_cancel_remote(campaign_id=campaign_id)


@shared_task(name="campaigns.submit_due", acks_late=True, ignore_result=True)
def campaigns_submit_due_task() -> None:
    campaigns_submit_due()


@shared_task(name="campaigns.poll_in_flight", **JUSTSEND_TASK)
def campaigns_poll_in_flight_task() -> None:
    campaigns_poll_in_flight()
