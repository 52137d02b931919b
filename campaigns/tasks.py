"""Celery tasks of campaigns: ids in, one service call. Transient provider errors retry
with backoff (a 429's Retry-After wins, see ``ProviderTask``); anything Justsend refuses
is handled by the service, never retried."""

from celery import shared_task

from campaigns.services.cancelling import campaign_cancel_remote
from campaigns.services.polling import campaign_finished_read, campaigns_poll_in_flight
from campaigns.services.provider_polling import campaigns_poll_provider_calls
from campaigns.services.scheduling import campaigns_submit_due
from campaigns.services.sending import campaign_submit
from campaigns.services.single_polling import single_messages_poll
from justsend_panel.core.provider_task import PROVIDER_TASK


@shared_task(name="campaigns.submit", **PROVIDER_TASK)
def campaign_submit_task(*, campaign_id: int) -> None:
    campaign_submit(campaign_id=campaign_id)


@shared_task(name="campaigns.cancel", **PROVIDER_TASK)
def campaign_cancel_task(*, campaign_id: int) -> None:
    campaign_cancel_remote(campaign_id=campaign_id)


@shared_task(name="campaigns.submit_due", acks_late=True, ignore_result=True)
def campaigns_submit_due_task() -> None:
    campaigns_submit_due()


@shared_task(name="campaigns.poll_in_flight", **PROVIDER_TASK)
def campaigns_poll_in_flight_task() -> None:
    campaigns_poll_in_flight()


@shared_task(name="campaigns.poll_provider_calls", **PROVIDER_TASK)
def campaigns_poll_provider_calls_task() -> None:
    campaigns_poll_provider_calls()


@shared_task(name="campaigns.read_finished", **PROVIDER_TASK)
def campaign_finished_read_task(*, campaign_id: int) -> None:
    campaign_finished_read(campaign_id=campaign_id)


@shared_task(name="campaigns.single_messages_poll", acks_late=True, ignore_result=True)
def single_messages_poll_task() -> None:
    single_messages_poll()
