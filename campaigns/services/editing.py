"""Creating and changing draft campaigns, checked as the manual says before anything is sent."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.exceptions import CampaignError
from campaigns.media.services import media_file_lock
from campaigns.models import Campaign
from campaigns.provider_options import (
    DEFAULT_PROVIDER,
    provider_capabilities,
    provider_label,
    provider_options_check,
)
from campaigns.selectors import campaign_undelivered_qs
from campaigns.services.rendering import renderer_for
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
rules = JS.rules

MANY_TO_MANY = ("groups", "excluded_groups")
EDITABLE = (
    "name", "provider", "provider_options", "bulk_type", "variant", "sender", "country", "voice_config", "message",
    "parameter_fields", "pasted_numbers", "audience_file", "audience_file_name",
    "audience_encoding", "audience_delimiter", "audience_has_header", "audience_mapping",
    "only_numbers", "scheduled_at", "media",
)
VOICE_KEYS = {"repeat_dtmf", "min_period", "max_period", "max_count", "pause", "voice_language",
              "max_dtmf", "voice_repeating"}
VOICE_MAX_COUNT = 4
VOICE_PAUSE_MAX = 10


def campaign_validate(campaign: Campaign) -> None:
    """Raise :class:`CampaignError` with the first problem a user must fix."""
    if not campaign.name.strip():
        raise CampaignError(_("The campaign needs a name."))
    if not campaign.message.strip():
        raise CampaignError(_("The campaign needs a message."))
    if campaign.media_id is not None and not provider_capabilities(campaign.provider).mms:
        raise CampaignError(_("%(provider)s cannot send an MMS attachment.")
                            % {"provider": provider_label(campaign.provider)})
    if campaign.provider != DEFAULT_PROVIDER:
        campaign.provider_options = provider_options_check(
            provider=campaign.provider, options=campaign.provider_options
        )
        renderer_for(campaign)
        return
    variant = campaign.variant
    problems = [*rules.sender_errors(variant, campaign.sender),
                *rules.country_errors(variant, campaign.country)]
    if problems:
        raise CampaignError(problems[0])
    if variant == Campaign.Variant.VOICE:
        _voice_check(campaign.voice_config or {})
    renderer_for(campaign)  # PARAMETRIZED: every $n has a field


def _voice_check(config: dict[str, Any]) -> None:
    unknown = set(config) - VOICE_KEYS
    if unknown:
        raise CampaignError(
            _("Unknown voice settings: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    max_count = config.get("max_count")
    if max_count is not None and not 1 <= int(max_count) <= VOICE_MAX_COUNT:
        raise CampaignError(
            _("A call may be repeated at most %(max)d times.") % {"max": VOICE_MAX_COUNT}
        )
    pause = config.get("pause")
    if pause is not None and not 0 <= int(pause) <= VOICE_PAUSE_MAX:
        raise CampaignError(
            _("The pause must be between 0 and %(max)d seconds.") % {"max": VOICE_PAUSE_MAX}
        )
    low, high = config.get("min_period"), config.get("max_period")
    if low is not None and high is not None and int(low) > int(high):
        raise CampaignError(_("The shortest period between calls is longer than the longest."))


def _apply(campaign: Campaign, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE) - set(MANY_TO_MANY)
    if unknown:
        raise CampaignError(
            _("Unknown campaign fields: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    for name in EDITABLE:
        if name in data:
            setattr(campaign, name, data[name] if data[name] is not None else
                    Campaign._meta.get_field(name).get_default())
    # ECO, ECO_RESP and VOICE send from Justsend's own number: no sender is kept.
    if campaign.provider == DEFAULT_PROVIDER:
        campaign.sender = rules.sender_value(campaign.variant, campaign.sender)
    campaign_validate(campaign)
    return {name: data[name] for name in MANY_TO_MANY if name in data}


def _media_lock(campaign: Campaign) -> None:
    """Lock the attached file's row in the saving transaction, so that a delete (which
    looks for the campaigns using it) cannot slip in between."""
    if campaign.media_id is not None:
        media_file_lock(pk=campaign.media_id)


def campaign_create(*, user, data: dict[str, Any]) -> Campaign:
    """A new draft from the compose form's cleaned data (M2M as lists of groups or ids)."""
    campaign = Campaign(created_by=user)
    relations = _apply(campaign, data)
    with transaction.atomic():
        _media_lock(campaign)
        campaign.save()
        for name, values in relations.items():
            getattr(campaign, name).set(values)
        audit_record(action=Action.CAMPAIGN_CREATED, actor=user, obj=campaign)
    return campaign


def _draft_lock(campaign: Campaign, refusal: str) -> Campaign:
    """The campaign's row locked (inside a transaction), or ``refusal`` if not a draft."""
    locked = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    if locked.status != Campaign.Status.DRAFT:
        raise CampaignError(refusal % {"status": locked.get_status_display().lower()})
    return locked


def campaign_update(*, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    """Change a draft; a launched campaign is no longer editable."""
    with transaction.atomic():
        _draft_lock(campaign, _("Only a draft can be changed; this campaign is %(status)s."))
        relations = _apply(campaign, data)
        _media_lock(campaign)
        campaign.save()
        for name, values in relations.items():
            getattr(campaign, name).set(values)
    return campaign


def campaign_draft_delete(*, campaign: Campaign) -> None:
    """Delete a draft; a launched campaign is history (and maybe work in flight): kept."""
    with transaction.atomic():
        _draft_lock(
            campaign, _("Only a draft can be deleted; this campaign is %(status)s.")
        ).delete()


def _copy(campaign: Campaign, *, user, name: str, only_numbers: str, action: str,
          summary: str, summary_params: dict, **origin) -> Campaign:
    copy = Campaign(created_by=user, source=campaign, name=name[:200])
    for field_name in EDITABLE:
        if field_name != "name":
            setattr(copy, field_name, getattr(campaign, field_name))
    copy.only_numbers = only_numbers
    # A copy of a resend draft still sends to the same undelivered numbers.
    copy.resend_of_id = origin.get("resend_of_id", campaign.resend_of_id)
    copy.resend_count = origin.get("resend_count", campaign.resend_count)
    copy.scheduled_at = None
    with transaction.atomic():
        _media_lock(copy)
        copy.save()
        copy.groups.set(campaign.groups.all())
        copy.excluded_groups.set(campaign.excluded_groups.all())
        audit_record(action=action, actor=user, obj=copy, summary=summary,
                     summary_params={"source": campaign.name, **summary_params})
    return copy


def campaign_duplicate(*, campaign: Campaign, user) -> Campaign:
    """A new draft with the same settings and audience, to edit and launch again."""
    return _copy(campaign, user=user, name=_("Copy of %(name)s") % {"name": campaign.name},
                 only_numbers=campaign.only_numbers, action=Action.CAMPAIGN_DUPLICATED,
                 summary=gettext_noop("A copy of “%(source)s”"), summary_params={})


def campaign_resend_undelivered(*, campaign: Campaign, user) -> Campaign:
    """A new draft for the recipients whose message was not delivered (``UNDELIVERED_STATUSES``).

    It keeps the original audience, so personal fields still come from the members,
    narrowed to those numbers; the blacklist is applied again when it is sent. The draft
    records where it came from and how many numbers: its pages say so.
    """
    numbers = list(campaign_undelivered_qs(campaign=campaign).values_list("msisdn", flat=True))
    if not numbers:
        raise CampaignError(_("No recipient of this campaign is undelivered."))
    return _copy(campaign, user=user,
                 name=_("%(name)s (undelivered again)") % {"name": campaign.name},
                 only_numbers="\n".join(numbers), resend_of_id=campaign.pk,
                 resend_count=len(numbers), action=Action.CAMPAIGN_RESENT,
                 summary=gettext_noop("%(count)s undelivered numbers of “%(source)s”"),
                 summary_params={"count": len(numbers)})
