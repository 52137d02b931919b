from celery import shared_task
from django.utils.dateparse import parse_datetime

from justsend_panel.core.services import heartbeat_record


@shared_task(name="core.heartbeat_record", acks_late=True, ignore_result=True)
def heartbeat_record_task(*, source: str, requested_at: str | None = None) -> None:
    heartbeat_record(
        source=source,
        requested_at=parse_datetime(requested_at) if requested_at else None,
        hostname=heartbeat_record_task.request.hostname or "",
    )
