"""Delivery of single messages, polled: a provider that reports one message's status by its
id (``Capabilities.message_status_polling``; SMS.by's ``checkSMS``) but pushes none. Beat
asks every minute (the "Poll single messages' statuses" entry, editable in admin); each
status is applied by the service that applies webhooks' statuses
(:func:`~campaigns.deliveries.services.statuses.sent_message_status_apply`)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from campaigns.deliveries.services.statuses import sent_message_status_apply
from campaigns.models import Recipient, SentMessage
from justsend_panel.core.provider import provider_backend, provider_registry
from justsend_panel.sms.exceptions import SmsError, SmsRateLimited

logger = logging.getLogger(__name__)

# checkSMS tells sent and delivered apart, never "undelivered": a message still not
# delivered after this long is no longer asked about.
POLL_WINDOW = timedelta(days=2)
FINAL = (Recipient.Status.DELIVERED, Recipient.Status.UNDELIVERED, Recipient.Status.EXPIRED,
         Recipient.Status.REJECTED)


def single_messages_poll(*, now=None) -> int:
    """Ask each polling provider for the status of its single messages sent in the last
    :data:`POLL_WINDOW` and not final yet; returns how many changed."""
    now = now or timezone.now()
    registry = provider_registry()
    pending: dict[str, list[tuple[int, str]]] = defaultdict(list)
    rows = (SentMessage.objects.filter(state=SentMessage.State.SENT, created_at__gte=now - POLL_WINDOW)
            .exclude(message_id="").exclude(delivery_status__in=FINAL)
            .order_by("pk").values_list("pk", "provider", "message_id"))
    for pk, provider, message_id in rows:
        pending[provider].append((pk, message_id))
    changed = 0
    for provider, messages in pending.items():
        if provider not in registry.enabled() or not registry.capabilities(provider).message_status_polling:
            continue
        with provider_backend(provider) as backend:
            for pk, message_id in messages:
                try:
                    event = backend.message_status(message_id)
                except SmsRateLimited:
                    logger.info("single messages poll: %s asks to wait; the rest next time", provider)
                    break
                except SmsError as error:
                    logger.warning("single message %s at %s: status not read: %r", pk, provider, error)
                    continue
                changed += sent_message_status_apply(sent_message_id=pk, event=event)
    return changed
