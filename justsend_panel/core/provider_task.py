"""The Celery task base for work that calls a provider (Justsend).

Retries the transient provider errors itself (host, timeout, 429, 5xx) with exponential
backoff and full jitter, waiting at least a 429's ``Retry-After``; anything the provider
refuses is the service's to handle, never retried. Every app's provider tasks share it
(``**PROVIDER_TASK``): campaigns' submit, cancel and poll, billing's balance snapshot.
"""

from celery import Task
from celery.utils.time import get_exponential_backoff_interval

from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsRateLimited

RETRY_MAX = 8
RETRY_BACKOFF_MAX = 600


class ProviderTask(Task):
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


PROVIDER_TASK = {"base": ProviderTask, "acks_late": True, "ignore_result": True}
