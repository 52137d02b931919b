"""A provider's name and its options as the pages show them: ``{{ campaign.provider|provider_label }}``,
``{{ options.flow|channel_flow }}`` ("SMS → Viber"), ``{{ options.tag|provider_tag }}``; and what
it can do: ``{% if campaign.provider|provider_can:"charged_points" %}``; and the unit of a cost it
reported: ``{{ message.provider|cost_unit:message.account_currency }}``."""

from django import template

from campaigns.provider_options import CHANNEL_LABELS, TAG_LABELS, provider_cost_unit
from campaigns.provider_options import provider_label as _provider_label
from justsend_panel.core.provider import provider_registry
from justsend_panel.sms.exceptions import SmsUnsupported

register = template.Library()


@register.filter
def provider_label(name: str) -> str:
    try:
        return _provider_label(name)
    except SmsUnsupported:  # a provider since removed from the panel: its name as stored
        return name


@register.filter
def provider_can(name: str, capability: str) -> bool:
    """Whether provider ``name`` offers ``capability`` (a ``Capabilities`` field); a provider
    since removed from the panel offers nothing."""
    try:
        return bool(getattr(provider_registry().capabilities(name), capability))
    except SmsUnsupported:
        return False


@register.filter
def channel_flow(flow) -> str:
    return " → ".join(CHANNEL_LABELS.get(channel, channel) for channel in flow or [])


@register.filter
def provider_tag(tag: str) -> str:
    return str(TAG_LABELS.get(tag, tag))


@register.filter
def channel_label(channel: str) -> str:
    """One channel's name (``viber`` -> "Viber"), as a provider reported it."""
    return CHANNEL_LABELS.get(channel, channel)


@register.filter
def cost_unit(provider: str, currency: str | None) -> str:
    """The currency of a cost ``provider`` reported, as the Providers page sets it
    (``currency``, read with the row), else a label that says it is its account's."""
    return provider_cost_unit(provider=provider, currency=currency or "")
