"""Making Justsend data in the sandbox through the panel's own client."""

import io

from django.utils import timezone

from justsend_panel.core.provider import provider_backend
from justsend_panel.sms.justsend.types import BulkSendRequest, BulkType, BulkVariant, Recipient


def bulk_send(*, recipients: int = 2, name: str = "Promo") -> str:
    """A bulk of ECO messages: leaves a BULK_PAYMENT transaction paid in POINTS."""
    request = BulkSendRequest(
        name=name,
        bulk_type=BulkType.STANDARD,
        bulk_variant=BulkVariant.ECO,
        message="Hello",
        send_date=timezone.now(),
        recipients=[Recipient(msisdn=f"4850010{i:04d}") for i in range(recipients)],
    )
    with provider_backend("justsend").client() as client:
        return client.send_bulk(request=request).id


def file_upload(*, file_name: str, rows: int = 2) -> str:
    request = BulkSendRequest(
        name=f"file {file_name}",
        bulk_type=BulkType.STANDARD,
        bulk_variant=BulkVariant.ECO,
        message="Hello",
        send_date=timezone.now(),
    )
    body = "".join(f"4850020{i:04d}\n" for i in range(rows)).encode()
    with provider_backend("justsend").client() as client:
        return client.upload_bulk(request=request, file=io.BytesIO(body), filename=file_name).id
