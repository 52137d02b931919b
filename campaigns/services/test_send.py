"""One message sent at once through ``POST /sender/singlemessage/send``: a campaign's test
send to a number the user types, and the single-message page."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign
from campaigns.services.rendering import MissingField, renderer_for, sample_text
from contacts.models import Member
from justsend_panel.core.provider import justsend_client
from justsend_panel.sms.exceptions import SmsApiError, SmsError, SmsHostError, SmsRateLimited
from justsend_panel.sms.types import BulkVariant, SendResult

logger = logging.getLogger(__name__)


class SendRefused(CampaignError):
    """Justsend did not take the message; the text says why, in its own words when it gave them."""


def _member_fields(member: Member) -> dict[str, object]:
    return {
        **(member.attributes or {}),
        "name": member.name, "surname": member.surname, "address": member.address,
    }


def campaign_test_text(*, campaign: Campaign, msisdn: str) -> str:
    """The campaign's text as ``msisdn`` would read it.

    A member of a targeted group gets their own fields; any other number gets those of the
    first member of the targeted groups, so the test shows a realistic message. A missing
    field is the same error the preview shows, before anything is sent.
    """
    renderer = renderer_for(campaign)
    if not renderer.needs_fields:
        return campaign.message
    members = Member.objects.filter(group__in=campaign.groups.all()).order_by("pk")
    member = members.filter(msisdn=msisdn).first() or members.first()
    if member is None:
        raise CampaignError(
            _("The message uses member fields, but no targeted group has a member to take them "
              "from; target a group to send a test.")
        )
    try:
        content, params = renderer.content(_member_fields(member))
    except MissingField as missing:
        raise CampaignError(
            _("Member %(msisdn)s has no “%(field)s”, which the message needs.")
            % {"msisdn": member.msisdn, "field": missing.field}
        ) from None
    return sample_text(renderer, campaign.message, content, params)


def single_message_send(
    *, msisdn: str, content: str, variant: str, sender: str | None = None
) -> SendResult:
    """Send one message now; Justsend's refusal comes back as :class:`SendRefused`."""
    try:
        with justsend_client() as client:
            result = client.send_single_message(
                msisdn=msisdn, content=content, bulk_variant=BulkVariant(variant), sender=sender or None
            )
    except SmsApiError as error:
        raise SendRefused(_("Justsend refused the message: %(reason)s") % {"reason": error.message}) from error
    except (SmsHostError, SmsRateLimited) as error:
        # Nothing reached Justsend (or it said "later"): safe to try again.
        raise SendRefused(
            _("Justsend could not take the message now (%(reason)s). Nothing was sent; try again.")
            % {"reason": error.message}
        ) from error
    except SmsError as error:
        # A timeout or a 5xx may come after Justsend accepted the message: say so rather
        # than invite a duplicate.
        logger.warning("single message to %s: %r", msisdn, error)
        raise SendRefused(
            _("Justsend did not confirm the message (%(reason)s). It may have been sent; check "
              "the single messages list before trying again.") % {"reason": error.message}
        ) from error
    logger.info("single message sent to %s: id %s", msisdn, result.id)
    return result


def campaign_test_send(*, campaign: Campaign, msisdn: str) -> tuple[str, SendResult]:
    """Send the campaign's rendered text to one number with the campaign's variant and sender."""
    if campaign.variant == Campaign.Variant.INTER:
        # A single message (9.2) carries no bulkProperties, so no INTER country.
        raise CampaignError(
            _("Justsend's single message cannot carry an INTER country, so an INTER campaign "
              "cannot be tested this way; check the sample messages instead.")
        )
    text = campaign_test_text(campaign=campaign, msisdn=msisdn)
    # VOICE settings cannot travel with a single message (9.2): a test of a VOICE campaign
    # goes out as an SMS with the same text.
    variant = campaign.variant if campaign.variant != Campaign.Variant.VOICE else Campaign.Variant.ECO
    sender = campaign.sender if variant != Campaign.Variant.ECO else None
    return text, single_message_send(msisdn=msisdn, content=text, variant=variant, sender=sender)
