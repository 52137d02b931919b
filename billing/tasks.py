from celery import shared_task

from billing.models import AccountSnapshot
from billing.services import account_snapshot_take
from justsend_panel.core.provider_task import PROVIDER_TASK


@shared_task(name="billing.account_snapshot_record", **PROVIDER_TASK)
def account_snapshot_record_task(*, source: str = AccountSnapshot.Source.BEAT) -> None:
    """Beat asks for one every 15 minutes (editable in admin): the balance chart's points.

    A 429 (after its Retry-After), a 5xx or a timeout is retried with backoff."""
    account_snapshot_take(source=AccountSnapshot.Source(source))
