"""Statuses of campaigns sent in recorded calls to a provider that pushes none (SMS.by):
polled from beat, every minute, per call, and applied by the service that applies webhooks.

A campaign is claimed for a poll by one conditional UPDATE of its ``last_polled_at`` (at
most one poll per :data:`POLL_GAP`): two beats, or a beat and a slow previous run, never
poll the same campaign at once. The campaign's lease is the sender's and stays untouched.
Each answered call (``ProviderCall`` ``sent`` with a batch id) whose recipients are not all
final is polled (``backend.poll_statuses``); the provider names recipients by number, so
each event is given the recipient of that number within the call, and
:func:`status_events_apply` moves them forward (a final status finishes the campaign). The
calls' cost and parts are read too, where the provider lists them (``batch_figures``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from campaigns.deliveries.services.applying import FINAL_RANK, RANK
from campaigns.deliveries.services.statuses import status_events_apply
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.provider_sending import sends_in_recorded_calls
from justsend_panel.core.provider import provider_backend, provider_registry
from justsend_panel.sms.base import Backend
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsError, SmsUnsupported

logger = logging.getLogger(__name__)

S = Campaign.Status
C = ProviderCall.State
POLLED = (S.SUBMITTING, S.SENDING, S.CANCELLING)
# Beat asks every minute; a campaign polled less than this long ago is left alone.
POLL_GAP = timedelta(seconds=30)
OPEN_STATUSES = [status for status, rank in RANK.items() if rank < FINAL_RANK]


def polled_providers() -> list[str]:
    """Enabled providers whose campaigns go in recorded calls and whose statuses are polled."""
    registry = provider_registry()
    return [name for name in registry.enabled()
            if registry.capabilities(name).delivery_polling and sends_in_recorded_calls(name)]


def campaigns_poll_provider_calls(*, gap: timedelta = POLL_GAP) -> int:
    """Poll every campaign of those providers with answered calls; returns how many."""
    providers = polled_providers()
    ids = list(Campaign.objects.filter(status__in=POLLED, provider__in=providers,
                                       provider_calls__state=C.SENT)
               .distinct().order_by("pk").values_list("pk", "provider"))
    polled = 0
    by_provider: dict[str, list[int]] = {}
    for campaign_id, provider in ids:
        by_provider.setdefault(provider, []).append(campaign_id)
    for provider, campaign_ids in by_provider.items():
        try:
            backend = provider_backend(provider, needs="delivery_polling")
        except SmsUnsupported as error:
            logger.warning("Polling %s campaigns %s: %s", provider, campaign_ids, error)
            continue
        with backend:
            for campaign_id in campaign_ids:
                if not campaign_poll_claim(campaign_id=campaign_id, gap=gap):
                    continue
                try:
                    campaign_poll_calls(campaign_id=campaign_id, backend=backend)
                except TRANSIENT_ERRORS as error:
                    # The next minute polls again; one unreachable mailing does not stop the rest.
                    logger.warning("Polling campaign %s failed: %s", campaign_id, error)
                polled += 1
    return polled


def campaign_poll_claim(*, campaign_id: int, gap: timedelta = POLL_GAP) -> bool:
    """Take this minute's poll of the campaign; False when another poll has it."""
    now = timezone.now()
    return bool(Campaign.objects.filter(
        Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - gap),
        pk=campaign_id, status__in=POLLED).update(last_polled_at=now))


def campaign_poll_calls(*, campaign_id: int, backend: Backend) -> int:
    """Poll the campaign's answered calls whose recipients are not all final; returns how
    many events named a recipient."""
    calls = list(ProviderCall.objects.filter(campaign_id=campaign_id, state=C.SENT)
                 .exclude(batch_id="").order_by("sequence"))
    named = 0
    for call in calls:
        numbers = dict(Recipient.objects.filter(pk__in=call.recipient_ids, status__in=OPEN_STATUSES)
                       .values_list("msisdn", "pk"))
        if not numbers:
            continue
        events = [replace(event, reference=str(numbers[event.msisdn]))
                  for event in backend.poll_statuses(call.batch_id) if event.msisdn in numbers]
        named += status_events_apply(provider=call.provider, events=events,
                                     received_at=timezone.now())
    _figures_read(calls, backend)
    return named


def _figures_read(calls: list[ProviderCall], backend: Backend) -> None:
    """Store each call's cost and parts as the provider lists them, while they change."""
    references = [call.reference for call in calls]
    if not references:
        return
    try:
        figures = backend.batch_figures(references)
    except SmsUnsupported:
        return
    except SmsError as error:
        logger.warning("Reading the cost of %s failed: %s", references[0], error)
        return
    by_reference = {call.reference: call for call in calls}
    for item in figures:
        call = by_reference.get(item.reference)
        if call is not None and (call.cost, call.parts) != (item.cost, item.parts):
            ProviderCall.objects.filter(pk=call.pk).update(
                cost=item.cost, parts=item.parts, updated_at=timezone.now())
