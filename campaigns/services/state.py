"""The campaign state machine: the one transitions table and the one way to move along it.

Every move locks the campaign row, re-reads its status under the lock and checks the table,
inside ``transaction.atomic``. Callers make HTTP calls only after the move is committed.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign, Recipient
from justsend_panel.core.leases import lease_expired_q, lease_free_q

S = Campaign.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.QUEUED}),
    # Back to draft: "edit a scheduled campaign"; cancelled: nothing was sent yet.
    S.SCHEDULED: frozenset({S.QUEUED, S.DRAFT, S.CANCELLED}),
    S.QUEUED: frozenset({S.SUBMITTING, S.CANCELLED, S.FAILED}),
    # Cancelling while submitting: the submit service hands the bulk to the cancel task.
    S.SUBMITTING: frozenset({S.SENDING, S.FAILED, S.CANCELLING, S.CANCELLED}),
    S.SENDING: frozenset({S.FINISHED, S.CANCELLING, S.FAILED}),
    # A cancel Justsend refused (409: it finished first) lands where the bulk really is.
    S.CANCELLING: frozenset({S.CANCELLED, S.FINISHED, S.SENDING, S.FAILED}),
    S.FINISHED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}

FINAL_STATES = frozenset(state for state, targets in TRANSITIONS.items() if not targets)

# Set with the move that ends the work a lease claimed (see justsend_panel.core.leases).
LEASE_RELEASED = {"lease_token": "", "lease_expires_at": None}

# A queued campaign nobody claimed this long after it was queued lost its task message
# (a broker outage at enqueue, a message lost on Redis): it is enqueued again.
UNCLAIMED_GRACE = timedelta(minutes=1)


def lease_lapsed_q(now: datetime) -> Q:
    """Work whose holder died (its lease expired), or that nobody claimed within the grace.

    A worker renews its lease every ``LEASE_SECONDS / 3``; once it stops, the next sweep
    after the expiry (beat runs every 30 s) hands the work on: taken over within
    ``LEASE_SECONDS`` + 30 s of the death, and a duplicate task finds the lease held.
    """
    return lease_expired_q(now) | Q(lease_expires_at__isnull=True,
                                    updated_at__lt=now - UNCLAIMED_GRACE)


def lapsed_hand_on(queryset, now: datetime) -> list[int]:
    """Ids of the rows in ``queryset`` whose lease lapsed, handed on to a new task.

    Each is reset to "unclaimed since now" in the same UPDATE (token cleared: a holder
    that was only stalled finds its lease gone at its next renewal), so the sweep enqueues
    it once, then again only if no task claimed it within the grace: a backed-up queue is
    not filled with copies every 30 seconds.
    """
    ids = list(queryset.filter(lease_lapsed_q(now)).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    handed = queryset.filter(lease_lapsed_q(now), pk__in=ids)
    handed.update(lease_token="", lease_expires_at=None, updated_at=now)
    return ids


R = Recipient.Status
# A recipient in one of these still waits for the provider's final word on it (one in
# doubt waits for a status event or the user's choice to send it again).
RECIPIENT_PENDING = (R.QUEUED, R.SUBMITTED, R.SENT, R.IN_DOUBT)
# What a recipient that never left becomes when its campaign ends without sending it.
RECIPIENT_CLOSED = {S.CANCELLED: R.CANCELLED, S.FAILED: R.FAILED}


def campaign_qs_select_for_update():
    return Campaign.objects.select_for_update(of=("self",)).order_by("pk")


def campaign_transition(
    *,
    campaign_id: int,
    to: str,
    from_states: Iterable[str] | None = None,
    **fields,
) -> Campaign:
    """Move the campaign to ``to`` and set ``fields`` with it, under a row lock.

    ``from_states`` narrows the table for callers that claim work: a submit task may only
    move ``queued -> submitting``, even though other moves to ``submitting`` might exist.
    Raises :class:`InvalidTransition` when the move is not allowed from the current state.
    """
    with transaction.atomic():
        campaign = campaign_qs_select_for_update().get(pk=campaign_id)
        allowed = to in TRANSITIONS[campaign.status]
        if from_states is not None and campaign.status not in set(from_states):
            allowed = False
        if not allowed:
            raise InvalidTransition(
                _("The campaign “%(name)s” is %(status)s and cannot become %(target)s.")
                % {
                    "name": campaign.name,
                    "status": campaign.get_status_display().lower(),
                    "target": S(to).label.lower(),
                },
                extra={"status": campaign.status, "to": to},
            )
        campaign.status = to
        for name, value in fields.items():
            setattr(campaign, name, value)
        campaign.save(update_fields=["status", "updated_at", *fields])
        return campaign


def campaign_update_fields(*, campaign_id: int, in_states: Iterable[str], **fields) -> bool:
    """Write fields (counts, ids) only while the campaign is in one of ``in_states``.

    One UPDATE with the state in its WHERE clause: a late poll never overwrites what a
    transition decided in the meantime. Returns whether the row was written.
    """
    return bool(
        Campaign.objects.filter(pk=campaign_id, status__in=list(in_states)).update(
            **fields, updated_at=timezone.now()
        )
    )


def recipients_close(*, campaign_id: int) -> int:
    """Give the recipients that never left a cancelled or failed campaign their final state.

    Recipients still ``queued`` or ``submitted`` become ``cancelled`` (campaign cancelled)
    or ``failed`` (campaign failed; "Not sent (failed)" on the page): they are counted as
    not sent instead of showing "Queued" forever. Those ranks sit below ``sent``: a send-status postback
    that arrives later proves Justsend sent the message, and moves the row forward.
    Returns how many rows were closed.
    """
    status = Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first()
    closed = RECIPIENT_CLOSED.get(status)
    if closed is None:
        return 0
    closed_count = Recipient.objects.filter(
        campaign_id=campaign_id, status__in=[R.QUEUED, R.SUBMITTED]
    ).update(status=closed, updated_at=timezone.now())
    # Nothing reached Justsend: every recipient is "not sent" (with a bulk, Justsend's own
    # notSentCount, read by the poll or the settling read, is the figure).
    Campaign.objects.filter(pk=campaign_id, batch_id="").update(
        not_sent_count=Recipient.objects.filter(
            campaign_id=campaign_id, status__in=list(RECIPIENT_CLOSED.values())).count())
    return closed_count


def campaigns_finish_all_final(*, campaign_ids: Iterable[int]) -> list[int]:
    """Finish the sending campaigns among ``campaign_ids`` whose every recipient is final.

    Called by the postback apply that changed their recipients, inside its transaction and
    after it moved the campaigns' counters: that UPDATE holds each campaign row, so of two
    applies finalising the last recipients of one campaign the later waits for the earlier
    to commit, then sees its rows here, and one of them finishes the campaign. Only a
    ``sending`` campaign that nobody holds a lease on is moved (a cancel claims one), only
    from ``sending`` (a finished campaign is never finished twice), and never while a
    recipient is still queued, submitted or sent. Returns the ids finished.
    """
    now = timezone.now()
    candidates = (
        Campaign.objects.filter(lease_free_q(now), pk__in=sorted(set(campaign_ids)),
                                status=S.SENDING)
        # A Justsend campaign has its bulk; one sent in recorded calls has none.
        .exclude(batch_id="", provider="justsend").order_by("pk").values_list("pk", flat=True)
    )
    finished = []
    for campaign_id in candidates:
        recipients = Recipient.objects.filter(campaign_id=campaign_id)
        if not recipients.exists() or recipients.filter(status__in=RECIPIENT_PENDING).exists():
            continue
        with transaction.atomic():
            campaign_qs_select_for_update().get(pk=campaign_id)
            # Re-checked under the row lock: a cancel may have claimed it meanwhile.
            if not Campaign.objects.filter(lease_free_q(now), pk=campaign_id,
                                           status=S.SENDING).exists():
                continue
            campaign_transition(campaign_id=campaign_id, to=S.FINISHED,
                                from_states=[S.SENDING], finished_at=now)
        finished.append(campaign_id)
    return finished
