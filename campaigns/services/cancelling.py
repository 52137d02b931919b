"""Cancelling: locally while nothing has left, through ``DELETE /sender/bulk/{uuid}`` after.

Every path ends in one state however the calls interleave: cancelling twice is a no-op
(the remote half runs under the campaign's lease),
and a cancel that arrives while the submit task runs is finished by whichever of the two
holds the bulk id (see ``sending._submitted``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignError, InvalidTransition
from campaigns.models import Campaign
from campaigns.services.sending import CANCEL_TASK, campaign_enqueue
from campaigns.services.polling import campaign_settle
from campaigns.services.state import (
    LEASE_RELEASED,
    campaign_qs_select_for_update,
    campaign_transition,
    recipients_close,
)
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.leases import lease_claim, lease_kept, lease_release
from justsend_panel.core.provider import provider_backend
from justsend_panel.sms.exceptions import (
    TRANSIENT_ERRORS,
    SmsApiError,
    SmsConflict,
    SmsError,
    SmsNotFound,
)

S = Campaign.Status
# Nothing left the panel yet: cancel here and now.
LOCAL_CANCEL = (S.SCHEDULED, S.QUEUED)


def campaign_cancel(*, campaign: Campaign, user) -> Campaign:
    """Ask for the campaign to be cancelled; returns it in its new state."""
    with transaction.atomic():
        locked = campaign_qs_select_for_update().get(pk=campaign.pk)
        status = locked.status
        if status in (S.CANCELLING, S.CANCELLED):
            return locked  # asked twice: the first request stands
        if status in (S.FINISHED, S.FAILED):
            raise CampaignError(
                _("The campaign is already %(status)s and cannot be cancelled.")
                % {"status": locked.get_status_display().lower()}
            )
        if status == S.DRAFT:
            raise CampaignError(_("A draft is not launched: there is nothing to cancel."))
        if status in LOCAL_CANCEL:
            cancelled = campaign_transition(campaign_id=locked.pk, to=S.CANCELLED,
                                            finished_at=timezone.now(), cancel_error="")
            recipients_close(campaign_id=locked.pk)
            audit_record(action=Action.CAMPAIGN_CANCELLED, actor=user, obj=cancelled)
            return cancelled
        cancelling = campaign_transition(campaign_id=locked.pk, to=S.CANCELLING, cancel_error="")
        if cancelling.batch_id:
            campaign_enqueue(CANCEL_TASK, locked.pk)
        audit_record(action=Action.CAMPAIGN_CANCELLED, actor=user, obj=cancelling)
        # Still submitting: the submit task sees "cancelling" and hands the bulk over.
        return cancelling


def campaign_cancel_remote(*, campaign_id: int) -> None:
    """The task's half: cancel the bulk at Justsend and record how that went.

    Done under the campaign's lease (renewed while Justsend is called): a second cancel
    task, or the sweep's, finds it held and returns; a dead worker's lease expires and the
    sweep hands the cancel on. A cancelled bulk is then read once more (``campaign_settle``):
    the refunded points, the counts, and every recipient that never left closed.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != S.CANCELLING or not campaign.batch_id:
        return
    token = lease_claim(Campaign.objects.filter(status=S.CANCELLING).exclude(batch_id=""),
                        pk=campaign_id)
    if token is None:
        return  # another task is cancelling it, or it moved on
    try:
        with lease_kept(Campaign, pk=campaign_id, token=token) as keeper:
            _cancel_leased(campaign, token=token, keeper=keeper)
    finally:
        lease_release(Campaign, pk=campaign_id, token=token)


def _cancel_leased(campaign: Campaign, *, token: str, keeper) -> None:
    campaign_id = campaign.pk
    try:
        with provider_backend(campaign.provider, needs="cancel").client() as client:
            client.cancel_bulk(uuid=campaign.batch_id)
    except TRANSIENT_ERRORS:
        raise
    except SmsConflict:
        _cancel_refused(campaign_id, S.FINISHED,
                        _("Justsend says the campaign has already finished: it cannot be "
                          "cancelled."), token=token)
        return
    except SmsNotFound:
        _cancel_refused(campaign_id, S.FAILED,
                        _("Justsend does not know this campaign's bulk (%(uuid)s): it cannot "
                          "be cancelled or followed.") % {"uuid": campaign.batch_id},
                        token=token, failure=True)
        return
    except SmsApiError as error:
        _cancel_refused(campaign_id, S.SENDING,
                        _("Justsend refused to cancel the campaign: %(error)s")
                        % {"error": error.message}, token=token)
        return
    except SmsError as error:
        _cancel_refused(campaign_id, S.SENDING,
                        _("The campaign could not be cancelled: %(error)s")
                        % {"error": error.message}, token=token)
        return
    if keeper.lost.is_set():
        return  # taken over: the holder records the outcome
    if _cancel_record(campaign_id, S.CANCELLED, token=token):
        campaign_settle(campaign_id=campaign_id)


def _cancel_record(campaign_id: int, to: str, *, token: str, **fields) -> bool:
    """The outcome, written only while the lease is ours and the campaign still cancelling
    (a poll may have seen Justsend's final state first: that stands)."""
    with transaction.atomic():
        if not campaign_qs_select_for_update().filter(pk=campaign_id,
                                                      lease_token=token).exists():
            return False
        try:
            campaign_transition(campaign_id=campaign_id, to=to, from_states=[S.CANCELLING],
                                **fields, **LEASE_RELEASED,
                                **({"finished_at": timezone.now()}
                                   if to in (S.FINISHED, S.FAILED, S.CANCELLED) else {}))
        except InvalidTransition:
            return False
    return True


def _cancel_refused(campaign_id: int, to: str, message: str, *, token: str,
                    failure: bool = False) -> None:
    fields = {"cancel_error": message}
    if failure:
        fields["failure_reason"] = message
    if _cancel_record(campaign_id, to, token=token, **fields) and to == S.FAILED:
        recipients_close(campaign_id=campaign_id)
