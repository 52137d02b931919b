"""Sending a campaign in recorded calls: through a provider that cannot find a batch by
our reference (SMS Manager), or can but takes no file (SMS.by's mailings, found by name).

Justsend's bulk is found again by its unique name after a crash (see
:mod:`campaigns.services.sending`). SMS Manager and its like have no such lookup and no
idempotency key, so each call is recorded and committed (a :class:`ProviderCall`, its
recipients ``in_doubt``) **before** it is made. The provider's answer settles the call:
accepted recipients become ``submitted`` with their message id, rejected ones ``rejected``
with the reason; a refused call (400, 401) fails its recipients, with the reason. A call
whose answer was lost (a timeout, a 5xx, the worker killed between the record and the
answer) stays *in doubt*: its recipients are never sent again automatically. A status
event naming one of them settles it (:mod:`campaigns.deliveries.services.statuses`), and
the user may choose to send the rest again (:func:`campaign_in_doubt_resend`).

The work is resumable: the campaign's lease is held while calls are made; a worker that
dies stops renewing it, the sweep hands the campaign on, and the new holder marks the
call left ``recorded`` in doubt and goes on with the recipients no call has taken (still
``queued``), a slice at a time.

A provider that finds a batch by our reference (``find_batch_by_reference``: SMS.by's
mailing name) has its lost calls looked up first (:func:`calls_recover`): found, they are
answered; not found, they are made once more under the same reference; only then in doubt.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from django.db import connection, connections, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.deliveries.services.counters import counters_add
from campaigns.deliveries.tokens import RECIPIENT, callback_token_make
from campaigns.exceptions import AudienceError, CampaignError, InvalidTransition, RenderingError
from campaigns.media.selectors import media_url_for_send
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.audience import audience_prepare
# sending.py imports this module only inside campaign_submit: no import cycle.
from campaigns.services.sending import _lease_held, _submission_failed
from campaigns.services.state import (
    LEASE_RELEASED,
    campaign_qs_select_for_update,
    campaign_transition,
    campaigns_finish_all_final,
)
from contacts.models import BlacklistEntry
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.leases import lease_claim, lease_kept, lease_release
from justsend_panel.core.pacing import pace, provider_rate_get
from justsend_panel.core.provider import (
    provider_backend,
    provider_callback_url,
    provider_from_numbers,
    provider_registry,
)
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.sms.base import Backend
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.exceptions import (
    TRANSIENT_ERRORS,
    SmsBadResponse,
    SmsError,
    SmsNotFound,
    SmsRateLimited,
)
from justsend_panel.sms.types import AcceptedMessage, OutboundBatch, OutboundMessage, SendReceipt

logger = logging.getLogger(__name__)

S = Campaign.Status
R = Recipient.Status
C = ProviderCall.State
SUBMIT_TASK = "campaigns.submit"
# Recipients read and planned into calls at a time: memory stays flat at any audience.
SLICE = 1000
_PARAMETER = re.compile(r"\$(\d+)")


def sends_in_recorded_calls(provider: str) -> bool:
    """Whether ``provider``'s campaigns go in recorded calls.

    Justsend's path (one bulk, a file upload, found again by its name) needs both; any
    provider without them is sent here (SMS.by's lookup by name is used by
    :func:`calls_recover`).
    """
    capabilities = provider_registry().capabilities(provider)
    return not (capabilities.find_batch_by_reference and capabilities.file_upload)


# --- the submit task's path -----------------------------------------------------------


def campaign_submit_recorded(*, campaign_id: int) -> None:
    """Send the campaign's queued recipients in recorded calls, holding its lease.

    Claims ``queued -> submitting``; or takes over a ``submitting`` (or ``cancelling``)
    campaign whose lease is free (a dead worker, a retry); or a ``sending`` one with
    recipients queued again by the user's "send to the in-doubt recipients". A task that
    finds the lease held returns. Transient provider errors propagate after the call is
    recorded in doubt: the task retries and goes on with the next recipients.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status == S.QUEUED:
        token = lease_claim(Campaign.objects.filter(status=S.QUEUED), pk=campaign_id,
                            status=S.SUBMITTING, submit_attempts=F("submit_attempts") + 1,
                            updated_at=timezone.now())
    elif campaign.status in (S.SUBMITTING, S.CANCELLING, S.SENDING):
        token = lease_claim(Campaign.objects.filter(status=campaign.status), pk=campaign_id)
    else:
        return
    if token is None:
        return
    campaign.refresh_from_db()
    try:
        with lease_kept(Campaign, pk=campaign_id, token=token) as keeper:
            _send_leased(campaign, token=token, keeper=keeper)
    finally:
        lease_release(Campaign, pk=campaign_id, token=token)


def _send_leased(campaign: Campaign, *, token: str, keeper) -> None:
    with provider_backend(campaign.provider) as backend:
        # Only the lease holder makes calls: a call still "recorded" lost its answer.
        if backend.capabilities.find_batch_by_reference:
            try:
                options = provider_options_clean(campaign)
            except CampaignError:
                options = None  # looked up only; the send below fails the campaign
            try:
                calls_recover(campaign=campaign, backend=backend, keeper=keeper,
                              options=None if campaign.status == S.CANCELLING else options)
            except _LeaseLost:
                return
        calls_lost_mark(campaign_id=campaign.pk)
        _send_with(campaign, backend, token=token, keeper=keeper)


def _send_with(campaign: Campaign, backend: Backend, *, token: str, keeper) -> None:
    if campaign.status == S.CANCELLING:
        _cancelled(campaign.pk, token=token)
        return
    try:
        options = provider_options_clean(campaign)
        provider_sender_check(campaign)
        # Every message carries the attachment at its public URL; without one, nothing goes.
        media_url = media_url_for_send(media_file=campaign.media, provider=campaign.provider)
        if campaign.status == S.SUBMITTING:
            if not ProviderCall.objects.filter(campaign=campaign).exists():
                audience_prepare(campaign=campaign)
            else:
                _blacklisted_remove(campaign)
        _payload_check(campaign, backend, options)
    except (RenderingError, AudienceError, CampaignError) as error:
        _submission_failed(campaign.pk, error.message, token=token)
        return
    try:
        completed = _calls_make(campaign, backend, options, keeper=keeper, media_url=media_url)
    except SmsNotFound as error:
        # The provider does not know the campaign's sender (JustCall's From number): every
        # next call would be refused the same way.
        _submission_failed(campaign.pk, error.message, token=token)
        return
    if completed and backend.capabilities.find_batch_by_reference:
        # A call whose answer could not be read (in doubt) is looked up before the end.
        try:
            calls_recover(campaign=campaign, backend=backend, keeper=keeper, options=options)
        except _LeaseLost:
            return
    if not completed:
        if Campaign.objects.filter(pk=campaign.pk, status=S.CANCELLING).exists():
            _cancelled(campaign.pk, token=token)
        return
    with transaction.atomic():
        if not _lease_held(campaign.pk, token):
            return
        if campaign.status == S.SUBMITTING:
            try:
                campaign_transition(campaign_id=campaign.pk, to=S.SENDING,
                                    from_states=[S.SUBMITTING], submitted_at=timezone.now(),
                                    **LEASE_RELEASED)
            except InvalidTransition:
                pass  # cancelled after the last call: the cancel path settles it
        else:
            Campaign.objects.filter(pk=campaign.pk, lease_token=token).update(**LEASE_RELEASED)
    # Callbacks may have finalised every recipient before the last call was recorded.
    campaigns_finish_all_final(campaign_ids=[campaign.pk])


def provider_options_clean(campaign: Campaign) -> dict:
    """The campaign's provider options as the provider's rules module cleans them.

    Checked before any call is recorded: a call its backend refuses to build would
    otherwise be left recorded, and put in doubt, though it never left.
    """
    options = dict(campaign.provider_options or {})
    try:
        rules = vocabulary(campaign.provider)
    except ImportError:
        return options  # a provider without a rules module takes its options as they are
    if not hasattr(rules, "validate_options"):
        return options
    try:
        return rules.validate_options(options)
    except ValueError as error:
        problems = error.args[0] if error.args else []
        raise CampaignError(
            _("The provider's options are not valid: %(problems)s")
            % {"problems": " ".join(map(str, problems)) if isinstance(problems, list)
               else str(problems)}) from error


def provider_sender_check(campaign: Campaign) -> None:
    """A provider that sends from the account's listed numbers (``from_numbers``) needs
    one of them as the campaign's sender, checked before any call is recorded (its backend
    would refuse to build the call, leaving it in doubt though it never left)."""
    if not provider_registry().capabilities(campaign.provider).from_numbers:
        return
    numbers = provider_from_numbers(campaign.provider)
    if not campaign.sender:
        raise CampaignError(_("The campaign has no From number: edit it and choose one."))
    if numbers and campaign.sender not in numbers:
        raise CampaignError(
            _("The From number %(number)s is no longer listed on the Providers page: edit the "
              "campaign and choose another.") % {"number": campaign.sender})


def _payload_check(campaign: Campaign, backend: Backend, options: dict) -> None:
    """The backend builds a call for the first queued recipient, or :class:`CampaignError`.

    A call the backend refuses to build (SMS.by without an alpha name) would otherwise be
    recorded and then stranded, though it never left."""
    row = (Recipient.objects.filter(campaign=campaign, status=R.QUEUED).order_by("pk")
           .values_list("pk", "msisdn", "content", "params").first())
    if row is None:
        return
    pk, msisdn, content, params = row
    try:
        backend.build_payload(OutboundBatch(
            reference=f"{campaign.reference}-0", sender=campaign.sender or None, options=options,
            messages=[OutboundMessage(reference=str(pk), to=msisdn,
                                      text=message_text(campaign, content, params))]))
    except ValueError as error:
        raise CampaignError(_("The provider cannot take this campaign: %(reason)s")
                            % {"reason": error}) from error


# A 429's Retry-After up to this many seconds is waited inside the task, longer ones by the
# task's retry.
RATE_LIMITED_WAIT_MAX = 10.0


def _calls_make(campaign: Campaign, backend: Backend, options: dict, *, keeper,
                media_url: str | None = None) -> bool:
    """Calls for every queued recipient, a slice at a time. False when stopped early
    (cancelled, or the lease was taken over).

    A call's accepted answer is recorded by an :class:`_AnswerRecorder` thread while this
    one paces, records and makes the next call: one call on its way at a time, as before.
    """
    callback_url = provider_callback_url(campaign.provider)
    # A provider that takes a callback URL per message gets each recipient's signed token.
    tokens = callback_url is not None and backend.capabilities.per_message_callback
    rate = provider_rate_get(campaign.provider)
    recorder = _AnswerRecorder(inline=connection.in_atomic_block)
    cancel_asked = _CancelWatch(campaign.pk)
    try:
        sequence = ProviderCall.objects.filter(campaign=campaign).aggregate(
            last=Max("sequence"))["last"] or 0
        while True:
            rows = list(
                Recipient.objects.filter(campaign=campaign, status=R.QUEUED).order_by("pk")
                .values_list("pk", "msisdn", "content", "params")[:SLICE]
            )
            if not rows:
                return True
            messages = [OutboundMessage(
                reference=str(pk), to=msisdn, text=message_text(campaign, content, params),
                media_url=media_url,
                callback_token=callback_token_make(provider=campaign.provider, kind=RECIPIENT,
                                                   pk=pk) if tokens else None,
            ) for pk, msisdn, content, params in rows]
            for messages_of_call in backend.plan_calls(messages):
                if recorder.error or keeper.lost.is_set() or cancel_asked():
                    return False
                # Wait for the turn first: a worker killed while it waits leaves no call
                # recorded (in doubt) that never left.
                pace(campaign.provider, rate)
                sequence += 1
                call = call_record(campaign=campaign, messages=messages_of_call,
                                   sequence=sequence)
                try:
                    call_make(call=call, backend=backend, batch=OutboundBatch(
                        reference=call.reference, messages=messages_of_call,
                        sender=campaign.sender or None, options=options,
                        callback_url=callback_url,
                    ), answered=recorder.answered)
                except SmsRateLimited as error:
                    # Not taken (its recipients are queued again). A short Retry-After is
                    # waited here, keeping the pace; a long one ends the task, whose retry
                    # waits it (the task's growing countdown would stall a storm of short
                    # ones).
                    wait = error.retry_after if error.retry_after is not None else 1.0
                    if wait > RATE_LIMITED_WAIT_MAX:
                        raise
                    if keeper.lost.wait(wait):
                        return False
    finally:
        recorder.close()


# A cancel is looked for at most this often (seconds) between calls: asking before every
# call cost a database round trip per call, a fifth of a call's time at 50 calls/s.
CANCEL_CHECK_SECONDS = 0.5


class _CancelWatch:
    """Whether the user asked to cancel the campaign, read from the database at most once
    per :data:`CANCEL_CHECK_SECONDS` (the first time at once)."""

    def __init__(self, campaign_id: int, *, clock=time.monotonic):
        self.campaign_id = campaign_id
        self.clock = clock
        self._checked_at: float | None = None

    def __call__(self) -> bool:
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < CANCEL_CHECK_SECONDS:
            return False
        self._checked_at = now
        return Campaign.objects.filter(pk=self.campaign_id, status=S.CANCELLING).exists()


class _AnswerRecorder:
    """Records accepted answers (:func:`call_answered`) in a thread of its own, in order,
    so that the next call is not held up by the last one's writes. Until its answer is
    committed a call stays ``recorded``: a worker killed meanwhile leaves it in doubt, as
    one killed during the call would. :meth:`close` waits for every answer, then raises a
    failure to record one in the caller's thread.

    Inside a transaction (a test's) another thread could not see the recorded calls: the
    answers are recorded at once, in the caller's thread.
    """

    def __init__(self, *, inline: bool):
        self.inline = inline
        self.error: BaseException | None = None
        self._pending = threading.Semaphore(2)  # answers waiting: the memory stays flat
        self._queue: queue.Queue = queue.Queue()
        self._thread = None
        if not inline:
            self._thread = threading.Thread(target=self._run, name="provider-answers",
                                            daemon=True)
            self._thread.start()

    def answered(self, *, call: ProviderCall, receipt: SendReceipt) -> None:
        if self.inline:
            call_answered(call=call, receipt=receipt)
            return
        self._pending.acquire()
        self._queue.put((call, receipt))

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                try:
                    if self.error is None:
                        call_answered(call=item[0], receipt=item[1])
                except BaseException as error:  # noqa: BLE001  (raised again by close())
                    self.error = error
                finally:
                    self._pending.release()
        finally:
            connections.close_all()  # this thread's own


def message_text(campaign: Campaign, content: str, params) -> str:
    """The text a recipient gets: its rendered text, the parameters put in, or the message."""
    if content:
        return content
    if params:
        values = list(params)

        def value(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            return str(values[index]) if 0 <= index < len(values) else match.group(0)

        return _PARAMETER.sub(value, campaign.message)
    return campaign.message


# --- one call -------------------------------------------------------------------------


def call_record(*, campaign: Campaign, messages: Sequence[OutboundMessage],
                sequence: int) -> ProviderCall:
    """Record the call and put its recipients in doubt, committed before the HTTP call.

    ``sequence`` is the campaign's next call number (the lease holder counts them)."""
    ids = [int(message.reference) for message in messages]
    with transaction.atomic():
        call = ProviderCall.objects.create(
            campaign=campaign, provider=campaign.provider, sequence=sequence,
            reference=f"{campaign.reference}-{sequence}", recipient_ids=ids,
        )
        Recipient.objects.filter(pk__in=ids, status=R.QUEUED).update(status=R.IN_DOUBT)
    return call


def call_make(*, call: ProviderCall, backend: Backend, batch: OutboundBatch,
              answered=None) -> None:
    """Make the recorded call and record what became of it (see the module's doc);
    ``answered`` records an accepted answer (default :func:`call_answered`)."""
    try:
        receipt = backend.send_batch(batch)
    except SmsRateLimited as error:
        # A 429 proves the provider did not take the call: its recipients go in a later one.
        _call_not_taken(call, error)
        raise
    except SmsNotFound as error:
        call_refused(call=call, reason=error.message)
        raise
    except SmsBadResponse as error:
        # The provider answered 2xx with something we cannot read: it may well have sent.
        call_in_doubt(call=call, error=error.message)
        return
    except TRANSIENT_ERRORS as error:
        call_in_doubt(call=call, error=error.message)
        raise
    except SmsError as error:
        call_refused(call=call, reason=error.message)
        return
    (answered or call_answered)(call=call, receipt=receipt)


def call_in_doubt(*, call: ProviderCall, error: str, states=(C.RECORDED,)) -> None:
    logger.warning("Provider call %s is in doubt: %s", call.reference, error)
    ProviderCall.objects.filter(pk=call.pk, state__in=states).update(
        state=C.IN_DOUBT, error=error[:2000], updated_at=timezone.now())


def calls_lost_mark(*, campaign_id: int) -> int:
    """Calls left ``recorded`` by a holder that is gone: their answer is lost, in doubt."""
    return ProviderCall.objects.filter(campaign_id=campaign_id, state=C.RECORDED).update(
        state=C.IN_DOUBT, error=gettext_noop("The answer was lost (the worker stopped)."),
        updated_at=timezone.now())


# --- found again by reference (SMS.by's mailing name) ---------------------------------


def calls_recover(*, campaign: Campaign, backend: Backend, keeper=None,
                  options: dict | None = None) -> None:
    """Settle the campaign's calls whose answer was lost by asking the provider for the
    batch by the call's reference, before anything is sent again.

    Found: the call was taken, its recipients ``submitted`` under the found batch id (their
    statuses come by polling). Not found, once the provider had the client's whole timeout
    to take it: the call is made again, once, under the same reference (``options`` None:
    it stays in doubt); still not found after that, it stays in doubt for the user. A lookup
    that fails leaves the call as it was (recorded or in doubt) for the next attempt.
    """
    calls = list(ProviderCall.objects.filter(
        campaign=campaign, state__in=(C.RECORDED, C.IN_DOUBT), resent_at=None).order_by("sequence"))
    for call in calls:
        found = _batch_find(backend, call, keeper=keeper)
        if found is not None:
            call_answered(call=call, receipt=SendReceipt(batch_id=found, accepted=tuple(
                AcceptedMessage(str(pk), None) for pk in call.recipient_ids)))
            logger.info("Provider call %s found again as %s", call.reference, found)
            continue
        if options is None or call.attempts > 1:
            call_in_doubt(call=call, error=gettext_noop(
                "Not found at the provider by its reference; not sent again automatically."),
                states=(C.RECORDED, C.IN_DOUBT))
            continue
        _call_resend(campaign, backend, call, options)


# The provider's answer to a lookup may lag the call by a moment: a call younger than the
# client's timeout plus this is looked up once more before it counts as not taken.
LOOKUP_MARGIN_SECONDS = 2.0


def _batch_find(backend: Backend, call: ProviderCall, *, keeper) -> str | None:
    found = backend.find_batch(call.reference)
    if found is not None:
        return found
    settled_at = call.created_at + timedelta(seconds=backend.config.timeout + LOOKUP_MARGIN_SECONDS)
    wait = (settled_at - timezone.now()).total_seconds()
    if wait > 0:
        if keeper is not None and keeper.lost.wait(wait):
            raise _LeaseLost()
        if keeper is None:
            time.sleep(wait)
        found = backend.find_batch(call.reference)
    return found


class _LeaseLost(Exception):
    """The lease was taken over while waiting: the new holder recovers the call."""


def _call_resend(campaign: Campaign, backend: Backend, call: ProviderCall, options: dict) -> None:
    """The call once more, under its reference: recorded (committed) before it is made."""
    rows = (Recipient.objects.filter(pk__in=call.recipient_ids, status=R.IN_DOUBT)
            .order_by("pk").values_list("pk", "msisdn", "content", "params"))
    messages = [OutboundMessage(reference=str(pk), to=msisdn,
                                text=message_text(campaign, content, params))
                for pk, msisdn, content, params in rows]
    if not messages:  # every recipient settled meanwhile: nothing is left to send
        call_in_doubt(call=call, error=gettext_noop(
            "Not found at the provider by its reference; not sent again automatically."),
            states=(C.RECORDED, C.IN_DOUBT))
        return
    ProviderCall.objects.filter(pk=call.pk).update(
        state=C.RECORDED, attempts=F("attempts") + 1, error="", updated_at=timezone.now())
    logger.warning("Provider call %s not found by its reference: made once more", call.reference)
    pace(campaign.provider, provider_rate_get(campaign.provider))
    call_make(call=call, backend=backend, batch=OutboundBatch(
        reference=call.reference, messages=messages, sender=campaign.sender or None,
        options=options, callback_url=provider_callback_url(campaign.provider)))


def _call_not_taken(call: ProviderCall, error: SmsError) -> None:
    with transaction.atomic():
        ProviderCall.objects.filter(pk=call.pk, state=C.RECORDED).update(
            state=C.FAILED, error=f"{error.message} (not taken; sent in a later call)"[:2000],
            answered_at=timezone.now(), updated_at=timezone.now())
        Recipient.objects.filter(pk__in=call.recipient_ids, status=R.IN_DOUBT).update(
            status=R.QUEUED)


def call_refused(*, call: ProviderCall, reason: str) -> None:
    """The provider refused the call outright (400, 401): its recipients were not sent."""
    now = timezone.now()
    with transaction.atomic():
        ProviderCall.objects.filter(pk=call.pk).update(
            state=C.FAILED, error=reason[:2000], answered_at=now, updated_at=now)
        failed = Recipient.objects.filter(pk__in=call.recipient_ids, status=R.IN_DOUBT).update(
            status=R.FAILED, status_code=reason[:64], delivered_at=now)
        Campaign.objects.filter(pk=call.campaign_id).update(
            not_sent_count=F("not_sent_count") + failed)


def call_answered(*, call: ProviderCall, receipt: SendReceipt) -> None:
    """Accepted recipients get their message id (``submitted``), rejected ones ``rejected``.

    Only recipients still in doubt move: a status callback may have come first. A recipient
    the answer does not name stays in doubt.
    """
    now = timezone.now()
    ids = set(call.recipient_ids)
    accepted = [(int(item.reference), (item.message_id or "")[:64])
                for item in receipt.accepted if _is_int(item.reference)
                and int(item.reference) in ids]
    rejected = [(int(item.reference), (item.reason or item.code or "")[:64])
                for item in receipt.rejected if _is_int(item.reference)
                and int(item.reference) in ids]
    with transaction.atomic():
        ProviderCall.objects.filter(pk=call.pk).update(
            state=C.SENT, batch_id=(receipt.batch_id or "")[:100], accepted_count=len(accepted),
            rejected_count=len(rejected), error="", answered_at=now, updated_at=now)
        _recipients_accepted(accepted)
        moved = _recipients_rejected(rejected, now)
        if moved:
            counters_add({call.campaign_id: Counter({"sent": moved, R.REJECTED: moved})})


def _is_int(value: str) -> bool:
    return str(value).isdigit()


def _recipients_accepted(rows: list[tuple[int, str]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(Recipient._meta.db_table)
    cast = "::bigint" if connection.vendor == "postgresql" else ""
    values = ", ".join([f"(%s{cast}, %s)"] * len(rows))
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v (id, message_id) AS (VALUES {values})"
            f" UPDATE {table} SET"
            f" status = CASE WHEN {table}.status = %s THEN %s ELSE {table}.status END,"
            f" message_id = CASE WHEN {table}.message_id = '' THEN v.message_id"
            f" ELSE {table}.message_id END, updated_at = %s"
            f" FROM v WHERE {table}.id = v.id",
            [*params, R.IN_DOUBT, R.SUBMITTED,
             connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def _recipients_rejected(rows: list[tuple[int, str]], now) -> int:
    moved = 0
    for pk, reason in rows:
        moved += Recipient.objects.filter(pk=pk, status=R.IN_DOUBT).update(
            status=R.REJECTED, status_code=reason, delivered_at=now, updated_at=now)
    return moved


# --- ends ---------------------------------------------------------------------------


def _blacklisted_remove(campaign: Campaign) -> None:
    """On a resumed send, numbers blacklisted since the audience was prepared are dropped
    while no call has taken them yet."""
    removed, _deleted = Recipient.objects.filter(
        campaign=campaign, status=R.QUEUED,
        msisdn__in=BlacklistEntry.objects.values("msisdn")).delete()
    if removed:
        Campaign.objects.filter(pk=campaign.pk).update(
            blacklisted_removed=F("blacklisted_removed") + removed,
            recipients_count=F("recipients_count") - removed)


def _cancelled(campaign_id: int, *, token: str) -> None:
    """Cancelled before every call was made: the recipients no call took are not sent.

    Those already handed over keep their status (the provider may deliver them)."""
    with transaction.atomic():
        if not _lease_held(campaign_id, token):
            return
        try:
            campaign_transition(campaign_id=campaign_id, to=S.CANCELLED,
                                from_states=[S.CANCELLING], finished_at=timezone.now(),
                                **LEASE_RELEASED)
        except InvalidTransition:
            return
        _queued_close(campaign_id, R.CANCELLED)


def _queued_close(campaign_id: int, status: str) -> None:
    closed = Recipient.objects.filter(campaign_id=campaign_id, status=R.QUEUED).update(
        status=status, updated_at=timezone.now())
    Campaign.objects.filter(pk=campaign_id).update(not_sent_count=F("not_sent_count") + closed)


# --- in doubt -----------------------------------------------------------------------


def campaign_in_doubt_count(*, campaign: Campaign) -> int:
    """Recipients whose call lost its answer and that no status event has settled.

    A call on its way right now (``recorded``) is not counted: its answer is still due.
    """
    count = Recipient.objects.filter(campaign=campaign, status=R.IN_DOUBT).count()
    if not count:
        return 0
    on_the_way = ProviderCall.objects.filter(campaign=campaign, state=C.RECORDED) \
        .values_list("recipient_ids", flat=True)
    flying = {pk for ids in on_the_way for pk in ids}
    if flying:
        count -= Recipient.objects.filter(pk__in=flying, status=R.IN_DOUBT).count()
    return count


def campaign_in_doubt_resend(*, campaign: Campaign, user) -> int:
    """Send the campaign's in-doubt recipients again, in new recorded calls (the user's
    explicit choice: some may get the message twice). Returns how many."""
    with transaction.atomic():
        locked = campaign_qs_select_for_update().get(pk=campaign.pk)
        if locked.status != S.SENDING:
            raise CampaignError(
                _("The in-doubt recipients can be sent again once the campaign is sending "
                  "and every call has been made."))
        if ProviderCall.objects.filter(campaign=locked, state=C.RECORDED).exists():
            raise CampaignError(_("A call is on its way: wait for its answer, then try again."))
        now = timezone.now()
        count = Recipient.objects.filter(campaign=locked, status=R.IN_DOUBT).update(
            status=R.QUEUED, updated_at=now)
        if not count:
            raise CampaignError(_("No recipient of this campaign is in doubt."))
        ProviderCall.objects.filter(campaign=locked, state=C.IN_DOUBT, resent_at=None) \
            .update(resent_at=now, updated_at=now)
        audit_record(action=Action.CAMPAIGN_IN_DOUBT_RESENT, actor=user, obj=locked,
                     summary=gettext_noop("%(recipients)s recipients"),
                     summary_params={"recipients": count})
        task_enqueue(SUBMIT_TASK, kwargs={"campaign_id": locked.pk})
    return count
