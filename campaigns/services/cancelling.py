"""Cancelling: locally while nothing has left, through ``DELETE /sender/bulk/{uuid}`` after.

Every path ends in one state however the calls interleave: cancelling twice is a no-op,
and a cancel that arrives while the submit task runs is finished by whichever of the two
holds the bulk id (see ``sending._submitted``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign
from campaigns.services.sending import CANCEL_TASK, campaign_enqueue
from campaigns.services.state import campaign_qs_select_for_update, campaign_transition
from justsend_panel.core.provider import justsend_client
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
            return campaign_transition(campaign_id=locked.pk, to=S.CANCELLED,
                                       finished_at=timezone.now(), cancel_error="")
        cancelling = campaign_transition(campaign_id=locked.pk, to=S.CANCELLING, cancel_error="")
        if cancelling.bulk_uuid:
            campaign_enqueue(CANCEL_TASK, locked.pk)
        # Still submitting: the submit task sees "cancelling" and hands the bulk over.
        return cancelling


def campaign_cancel_remote(*, campaign_id: int) -> None:
    """The task's half: cancel the bulk at Justsend and record how that went."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != S.CANCELLING or not campaign.bulk_uuid:
        return
    try:
        with justsend_client() as client:
            client.cancel_bulk(uuid=campaign.bulk_uuid)
    except TRANSIENT_ERRORS:
        raise
    except SmsConflict:
        _cancel_refused(campaign_id, S.FINISHED,
                        _("Justsend says the campaign has already finished: it cannot be "
                          "cancelled."))
        return
    except SmsNotFound:
        _cancel_refused(campaign_id, S.FAILED,
                        _("Justsend does not know this campaign's bulk (%(uuid)s): it cannot "
                          "be cancelled or followed.") % {"uuid": campaign.bulk_uuid},
                        failure=True)
        return
    except SmsApiError as error:
        _cancel_refused(campaign_id, S.SENDING,
                        _("Justsend refused to cancel the campaign: %(error)s")
                        % {"error": error.message})
        return
    except SmsError as error:
        _cancel_refused(campaign_id, S.SENDING,
                        _("The campaign could not be cancelled: %(error)s")
                        % {"error": error.message})
        return
    campaign_transition(campaign_id=campaign_id, to=S.CANCELLED, from_states=[S.CANCELLING],
                        finished_at=timezone.now())


def _cancel_refused(campaign_id: int, to: str, message: str, *, failure: bool = False) -> None:
    fields = {"cancel_error": message}
    if failure:
        fields["failure_reason"] = message
    if to in (S.FINISHED, S.FAILED):
        fields["finished_at"] = timezone.now()
    campaign_transition(campaign_id=campaign_id, to=to, from_states=[S.CANCELLING], **fields)
