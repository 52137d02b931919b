from celery import shared_task

from billing.models import AccountSnapshot
from billing.services import account_snapshot_take
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsRateLimited


@shared_task(
    bind=True,
    name="billing.account_snapshot_record",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def account_snapshot_record_task(self, *, source: str = AccountSnapshot.Source.BEAT) -> None:
    """Beat asks for one every 15 minutes (editable in admin): the balance chart's points."""
    try:
        account_snapshot_take(source=AccountSnapshot.Source(source))
    except SmsRateLimited as exc:
        if exc.retry_after:
            raise self.retry(exc=exc, countdown=exc.retry_after) from exc
        raise
