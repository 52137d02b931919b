"""One message sent at once through ``POST /sender/singlemessage/send``: a campaign's test
send to a number the user types, and the single-message page."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign, SentMessage
from campaigns.services.rendering import MissingField, renderer_for, sample_text
from contacts.models import BlacklistEntry, Member
from justsend_panel.audit.actions import NUMBER, Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.provider import justsend_client
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.exceptions import SmsApiError, SmsError, SmsHostError, SmsRateLimited

JS = vocabulary("justsend")
rules = JS.rules
BulkVariant = JS.BulkVariant
SendResult = JS.SendResult

logger = logging.getLogger(__name__)


class SendRefused(CampaignError):
    """The message was not sent (or not confirmed): the panel's rules or Justsend said no."""

    sent_maybe = False  # True: Justsend may have taken it (a timeout or 5xx after the call)


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


@dataclass(frozen=True)
class SendOutcome:
    result: SendResult
    # The same form was posted again: nothing new went out; ``result`` is the first send's.
    repeated: bool = False


@dataclass(frozen=True)
class TestSend:
    text: str
    outcome: SendOutcome
    variant: str  # the variant it went out as (a VOICE campaign's test goes as an ECO SMS)


def message_checks(*, msisdn: str, variant: str, sender: str | None, country: str = "") -> None:
    """The panel's own rules before Justsend sees a message: the variant's sender and country
    rules, and the local blacklist whatever its sync state (a STOP a minute ago counts)."""
    problems = [*rules.sender_errors(variant, sender),
                *rules.recipient_errors(variant, country, msisdn)]
    if problems:
        raise SendRefused(problems[0])
    if BlacklistEntry.objects.filter(msisdn=msisdn).exists():
        raise SendRefused(
            _("%(number)s is on the blacklist: nothing was sent.") % {"number": msisdn}
        )


def _claim(
    *, token, user, campaign, msisdn, variant, sender, content
) -> tuple[SentMessage | None, SendOutcome | None]:
    """Record the send under the form's token before calling Justsend; a token seen before
    gives the first send's outcome instead (or an error while that one is unconfirmed)."""
    if token is None:
        return None, None
    try:
        with transaction.atomic():
            return SentMessage.objects.create(
                token=token, campaign=campaign, msisdn=msisdn, variant=variant,
                sender=sender or "", content=content,
                created_by=user if user is not None and user.is_authenticated else None,
            ), None
    except IntegrityError:
        first = SentMessage.objects.get(token=token)
    if first.state == SentMessage.State.SENT:
        return None, SendOutcome(SendResult(id=first.message_id or None), repeated=True)
    raise SendRefused(
        _("This form was sent already and Justsend has not confirmed that message yet; it "
          "was not sent again. Check the single messages list.")
    )


def single_message_send(
    *, msisdn: str, content: str, variant: str, sender: str | None = None, token=None,
    user=None, campaign: Campaign | None = None,
) -> SendOutcome:
    """Send one message now, once per form ``token``; a refusal comes back as
    :class:`SendRefused`, the panel's rules before Justsend's."""
    sender = rules.sender_value(variant, sender) or None
    message_checks(msisdn=msisdn, variant=variant, sender=sender)
    claim, repeated = _claim(token=token, user=user, campaign=campaign, msisdn=msisdn,
                             variant=variant, sender=sender, content=content)
    if repeated is not None:
        return repeated
    try:
        result = _provider_send(msisdn=msisdn, content=content, variant=variant, sender=sender)
    except SendRefused as refusal:
        if claim is not None:
            if refusal.sent_maybe:
                claim.state = SentMessage.State.IN_DOUBT
                claim.save(update_fields=["state", "updated_at"])
            else:
                claim.delete()  # nothing went out: the same form may be sent again
        raise
    with transaction.atomic():
        if claim is not None:
            claim.state, claim.message_id = SentMessage.State.SENT, result.id or ""
            claim.save(update_fields=["state", "message_id", "updated_at"])
        if campaign is not None:
            audit_record(action=Action.MESSAGE_TEST_SENT, actor=user, obj=campaign,
                         summary=gettext_noop("To %(number)s as %(variant)s"),
                         summary_params={"number": msisdn, "variant": variant})
        else:
            audit_record(action=Action.MESSAGE_SINGLE_SENT, actor=user, object_type=NUMBER,
                         object_id=msisdn, object_label=msisdn,
                         summary=gettext_noop("As %(variant)s"),
                         summary_params={"variant": variant})
    return SendOutcome(result)


def _provider_send(*, msisdn: str, content: str, variant: str, sender: str | None) -> SendResult:
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
        refusal = SendRefused(
            _("Justsend did not confirm the message (%(reason)s). It may have been sent; check "
              "the single messages list before trying again.") % {"reason": error.message}
        )
        refusal.sent_maybe = True
        raise refusal from error
    logger.info("single message sent to %s: id %s", msisdn, result.id)
    return result


def campaign_test_send(*, campaign: Campaign, msisdn: str, token=None, user=None) -> TestSend:
    """Send the campaign's rendered text to one number with the campaign's variant and sender.

    A single message (9.2) carries no ``bulkProperties``: no INTER country (refused) and no
    VOICE settings, so a VOICE campaign's test goes out as an ECO SMS with the same text and
    the outcome says so.
    """
    if campaign.variant == Campaign.Variant.INTER:
        raise CampaignError(
            _("Justsend's single message cannot carry an INTER country, so an INTER campaign "
              "cannot be tested this way; check the sample messages instead.")
        )
    # The campaign's own rules first: a VOICE campaign reaches Polish numbers only, too.
    message_checks(msisdn=msisdn, variant=campaign.variant, sender=campaign.sender,
                   country=campaign.country)
    text = campaign_test_text(campaign=campaign, msisdn=msisdn)
    variant = campaign.variant if campaign.variant != Campaign.Variant.VOICE else Campaign.Variant.ECO
    outcome = single_message_send(msisdn=msisdn, content=text, variant=variant,
                                  sender=campaign.sender, token=token, user=user,
                                  campaign=campaign)
    return TestSend(text=text, outcome=outcome, variant=variant)
