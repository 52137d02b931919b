"""One message sent at once through ``POST /sender/singlemessage/send``: a campaign's test
send to a number the user types, and the single-message page."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.deliveries.tokens import SINGLE_MESSAGE, callback_token_make
from campaigns.exceptions import CampaignError
from campaigns.media.models import MediaFile
from campaigns.media.selectors import media_url_for_send
from campaigns.media.services import media_file_lock
from campaigns.models import Campaign, SentMessage
from campaigns.provider_options import DEFAULT_PROVIDER, provider_options_check
from campaigns.services.rendering import MissingField, renderer_for, sample_text
from campaigns.single_options import verification_code_problem
from contacts.models import BlacklistEntry, Member
from justsend_panel.audit.actions import NUMBER, Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.provider import provider_backend, provider_callback_url, provider_registry
from justsend_panel.sms.registry import backend_class, vocabulary
from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsError,
    SmsHostError,
    SmsNotFound,
    SmsRateLimited,
    SmsUnsupported,
)
from justsend_panel.sms.types import OutboundBatch, OutboundMessage, SendReceipt

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
    # The panel's record of it (SentMessage), when the send had a form token.
    sent_message_id: int | None = None


@dataclass(frozen=True)
class TestSend:
    text: str
    outcome: SendOutcome
    variant: str  # the variant it went out as (a VOICE campaign's test goes as an ECO SMS)


def message_checks(*, msisdn: str, variant: str, sender: str | None, country: str = "",
                   provider: str = DEFAULT_PROVIDER) -> None:
    """The panel's own rules before a provider sees a message: Justsend's variant sender and
    country rules (Justsend only), and for every provider the local blacklist whatever its
    sync state (a STOP a minute ago counts)."""
    if provider == DEFAULT_PROVIDER:
        problems = [*rules.sender_errors(variant, sender),
                    *rules.recipient_errors(variant, country, msisdn)]
        if problems:
            raise SendRefused(problems[0])
    if BlacklistEntry.objects.filter(msisdn=msisdn).exists():
        raise SendRefused(
            _("%(number)s is on the blacklist: nothing was sent.") % {"number": msisdn}
        )


def _claim(
    *, token, user, campaign, msisdn, variant, sender, content, provider=DEFAULT_PROVIDER,
    provider_options=None, media: MediaFile | None = None, kind=SentMessage.Kind.TEXT,
    channel="",
) -> tuple[SentMessage | None, SendOutcome | None]:
    """Record the send under the form's token before calling Justsend; a token seen before
    gives the first send's outcome instead (or an error while that one is unconfirmed)."""
    if token is None:
        return None, None
    try:
        with transaction.atomic():
            if media is not None:
                try:
                    media_file_lock(pk=media.pk)
                except CampaignError as error:
                    raise SendRefused(error.message) from error
            return SentMessage.objects.create(
                token=token, campaign=campaign, msisdn=msisdn, variant=variant,
                sender=sender or "", content=content, provider=provider,
                provider_options=provider_options or {}, media=media, kind=kind,
                channel=channel,
                created_by=user if user is not None and user.is_authenticated else None,
            ), None
    except IntegrityError:
        first = SentMessage.objects.get(token=token)
    if first.state == SentMessage.State.SENT:
        return None, SendOutcome(SendResult(id=first.message_id or None), repeated=True,
                                 sent_message_id=first.pk)
    raise SendRefused(
        _("This form was sent already and Justsend has not confirmed that message yet; it "
          "was not sent again. Check the single messages list.")
    )


def verification_code_mask(code: str) -> str:
    """What the panel keeps and shows of a verification code: its last two digits only
    (a code of two digits or fewer: nothing)."""
    if len(code) <= 2:
        return "•" * len(code)
    return "•" * (len(code) - 2) + code[-2:]


def single_message_send(
    *, msisdn: str, content: str, variant: str = "", sender: str | None = None, token=None,
    user=None, campaign: Campaign | None = None, provider: str = DEFAULT_PROVIDER,
    provider_options: dict | None = None, media: MediaFile | None = None,
    code_channel: str | None = None,
) -> SendOutcome:
    """Send one message now through ``provider``, once per form ``token``; a refusal comes
    back as :class:`SendRefused`, the panel's rules before the provider's. ``variant`` is
    Justsend's; another provider takes ``provider_options`` (checked by its rules).

    With ``code_channel`` (``telegram``/``whatsapp``) ``content`` is a verification code
    sent through that messenger (a provider with ``verification_codes``): checked by the
    provider's rules, and kept and shown only masked (:func:`verification_code_mask`)."""
    justsend = provider == DEFAULT_PROVIDER
    kind, channel, stored = SentMessage.Kind.TEXT, "", content
    if code_channel is not None:
        content = _code_checked(provider, content)
        kind, channel, stored = SentMessage.Kind.VERIFICATION_CODE, code_channel, verification_code_mask(content)
        variant, sender, provider_options = "", None, {}
    elif justsend:
        sender = rules.sender_value(variant, sender) or None
        provider_options = {}
    else:
        variant = ""
        provider_options = _options_checked(provider, provider_options)
        if not provider_registry().capabilities(provider).channels:
            # A provider of one channel (JustCall) reports none: what goes is known now.
            channel = "mms" if media is not None else "sms"
    message_checks(msisdn=msisdn, variant=variant, sender=sender, provider=provider)
    try:
        media_url = media_url_for_send(media_file=media, provider=provider)
    except CampaignError as error:
        raise SendRefused(error.message) from error
    claim, repeated = _claim(token=token, user=user, campaign=campaign, msisdn=msisdn,
                             variant=variant, sender=sender, content=stored,
                             provider=provider, provider_options=provider_options, media=media,
                             kind=kind, channel=channel)
    if repeated is not None:
        return repeated
    receipt = None
    try:
        if justsend and code_channel is None:
            result = _provider_send(provider=provider, msisdn=msisdn, content=content,
                                    variant=variant, sender=sender)
        else:
            result, receipt = _backend_send(
                provider=provider, msisdn=msisdn, content=content, sender=sender,
                options=provider_options, reference=str(claim.token if claim else uuid.uuid4()),
                media_url=media_url, claim=claim, code_channel=code_channel,
            )
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
            fields = ["state", "message_id", "updated_at"]
            if receipt is not None and (receipt.cost is not None or receipt.parts is not None):
                claim.cost, claim.parts = receipt.cost, receipt.parts
                fields += ["cost", "parts"]
            claim.save(update_fields=fields)
        if campaign is not None:
            if justsend:
                audit_record(action=Action.MESSAGE_TEST_SENT, actor=user, obj=campaign,
                             summary=gettext_noop("To %(number)s as %(variant)s"),
                             summary_params={"number": msisdn, "variant": variant})
            else:
                audit_record(action=Action.MESSAGE_TEST_SENT, actor=user, obj=campaign,
                             summary=gettext_noop("To %(number)s through %(provider)s"),
                             summary_params={"number": msisdn, "provider": _label(provider)})
        elif justsend:
            audit_record(action=Action.MESSAGE_SINGLE_SENT, actor=user, object_type=NUMBER,
                         object_id=msisdn, object_label=msisdn,
                         summary=gettext_noop("As %(variant)s"),
                         summary_params={"variant": variant})
        else:
            audit_record(action=Action.MESSAGE_SINGLE_SENT, actor=user, object_type=NUMBER,
                         object_id=msisdn, object_label=msisdn,
                         summary=gettext_noop("Through %(provider)s"),
                         summary_params={"provider": _label(provider)})
    return SendOutcome(result, sent_message_id=claim.pk if claim is not None else None)


def _provider_send(*, provider: str, msisdn: str, content: str, variant: str,
                   sender: str | None) -> SendResult:
    try:
        with provider_backend(provider).client() as client:
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


def _label(provider: str) -> str:
    return backend_class(provider).label or provider


def _options_checked(provider: str, options: dict | None) -> dict:
    try:
        return provider_options_check(provider=provider, options=options)
    except CampaignError as error:
        raise SendRefused(error.message) from error


def _code_checked(provider: str, code: str) -> str:
    """The verification code as the provider's rules take it, else :class:`SendRefused`."""
    if not provider_registry().capabilities(provider).verification_codes:
        raise SendRefused(_("%(provider)s does not send verification codes.") % {"provider": _label(provider)})
    problem = verification_code_problem(code, provider=provider)
    if problem:
        raise SendRefused(problem)
    return code


def _backend_send(*, provider: str, msisdn: str, content: str, sender: str | None,
                  options: dict, reference: str, media_url: str | None = None,
                  claim: SentMessage | None = None, code_channel: str | None = None,
                  ) -> tuple[SendResult, SendReceipt]:
    """One message (or a verification code, through ``code_channel``) through a provider's
    backend (every provider but Justsend, whose single message endpoint keeps its own path
    above). A provider that takes a callback URL per message gets the recorded message's
    signed token in it: its statuses come back to it."""
    values = {"provider": _label(provider)}
    callback_url = token = None
    if claim is not None and backend_class(provider).capabilities.per_message_callback:
        callback_url = provider_callback_url(provider)
        if callback_url:
            token = callback_token_make(provider=provider, kind=SINGLE_MESSAGE, pk=claim.pk)
    batch = OutboundBatch(
        reference=reference, sender=sender or None, options=options,
        callback_url=callback_url if token else None,
        messages=[OutboundMessage(reference=reference, to=msisdn, text=content,
                                  media_url=media_url, callback_token=token)],
    )
    try:
        with provider_backend(provider) as backend:
            if code_channel is not None:
                receipt = backend.send_verification_code(reference=reference, to=msisdn, code=content,
                                                         channel=code_channel)
            else:
                receipt = backend.send_message(batch)
    except (SmsApiError, SmsNotFound) as error:
        # A 404 is a refusal too (JustCall: the From number is not SMS-enabled, named).
        raise SendRefused(_("%(provider)s refused the message: %(reason)s")
                          % {**values, "reason": error.message}) from error
    except (SmsHostError, SmsRateLimited, SmsUnsupported) as error:
        raise SendRefused(
            _("%(provider)s could not take the message now (%(reason)s). Nothing was sent; try again.")
            % {**values, "reason": error.message}
        ) from error
    except SmsError as error:
        logger.warning("single message to %s through %s: %r", msisdn, provider, error)
        refusal = SendRefused(
            _("%(provider)s did not confirm the message (%(reason)s). It may have been sent; "
              "do not send it again before you know.") % {**values, "reason": error.message}
        )
        refusal.sent_maybe = True
        raise refusal from error
    if receipt.rejected:
        raise SendRefused(_("%(provider)s refused the message: %(reason)s")
                          % {**values, "reason": receipt.rejected[0].reason})
    message_id = receipt.accepted[0].message_id if receipt.accepted else None
    logger.info("single message sent to %s through %s: id %s", msisdn, provider, message_id)
    return SendResult(id=message_id or receipt.batch_id), receipt


def campaign_test_send(*, campaign: Campaign, msisdn: str, token=None, user=None) -> TestSend:
    """Send the campaign's rendered text to one number with the campaign's variant and sender.

    A single message (9.2) carries no ``bulkProperties``: no INTER country (refused) and no
    VOICE settings, so a VOICE campaign's test goes out as an ECO SMS with the same text and
    the outcome says so.
    """
    if campaign.provider != DEFAULT_PROVIDER:
        message_checks(msisdn=msisdn, variant="", sender=campaign.sender, provider=campaign.provider)
        text = campaign_test_text(campaign=campaign, msisdn=msisdn)
        outcome = single_message_send(
            msisdn=msisdn, content=text, sender=campaign.sender, token=token, user=user,
            campaign=campaign, provider=campaign.provider, provider_options=campaign.provider_options,
            media=campaign.media,
        )
        return TestSend(text=text, outcome=outcome, variant="")
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
