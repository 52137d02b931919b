"""The campaign state machine: the one transitions table and the one way to move along it.

Every move locks the campaign row, re-reads its status under the lock and checks the table,
inside ``transaction.atomic``. Callers make HTTP calls only after the move is committed.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign

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
