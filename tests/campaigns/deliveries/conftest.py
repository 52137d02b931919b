import json
import time
import uuid

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Recipient

SECRET = "hook-s3cret"
BASE_MS = 1_790_000_000_000  # a fixed deliveryTime (ms since the epoch)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.JUSTSEND_WEBHOOK_SECRET = SECRET
    return SECRET


def webhook_url(kind: str | None = None, secret: str = SECRET) -> str:
    return f"/webhooks/justsend/{secret}/" + (f"{kind}/" if kind else "")


def post(client, body, kind: str | None = None, secret: str = SECRET):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(webhook_url(kind, secret), data=data, content_type="application/json")


def sent_campaign(count: int = 3, *, variant: str = "ECO", batch_id: str | None = None,
                  start: int = 500000000) -> Campaign:
    """A campaign Justsend is sending, with ``count`` queued recipient rows."""
    campaign = Campaign.objects.create(
        name="Spring sale", message="Sale today", variant=variant,
        status=Campaign.Status.SENDING, batch_id=batch_id or str(uuid.uuid4()),
        submitted_at=timezone.now() - timezone.timedelta(hours=1), recipients_count=count,
    )
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"48{start + i}") for i in range(count)
    )
    return campaign


def send_status(campaign: Campaign, msisdn: str, *, message_id: int = 1, at_ms: int = BASE_MS):
    return {"id": message_id, "sender": "4777", "msisdn": msisdn, "operator": "POLAND_PLAY",
            "deliveryTime": at_ms, "uuid": campaign.batch_id}


def delivery_status(campaign: Campaign, msisdn: str, status: str = "MESSAGE_DELIVERED", *,
                    message_id: int = 1, at_ms: int = BASE_MS + 5000):
    return {**send_status(campaign, msisdn, message_id=message_id, at_ms=at_ms),
            "deliveryStatus": status, "ackId": 3_000_000 + message_id}


def incoming(msisdn: str, message: str, *, message_id: int = 7, at_ms: int | None = None):
    """An incoming message, received now unless ``at_ms`` says when."""
    at_ms = at_ms if at_ms is not None else int(time.time() * 1000)
    return {"id": message_id, "sender": "4777", "msisdn": msisdn, "operator": "POLAND_PLAY",
            "deliveryTime": at_ms, "prefix": None, "groupId": None, "groupName": None,
            "idMsgContent": None, "message": message, "uuid": str(message_id)}
