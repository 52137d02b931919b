"""A provider's name and its options as the pages show them: ``{{ campaign.provider|provider_label }}``,
``{{ options.flow|channel_flow }}`` ("SMS → Viber"), ``{{ options.tag|provider_tag }}``."""

from django import template

from campaigns.provider_options import CHANNEL_LABELS, TAG_LABELS, provider_label as _provider_label
from justsend_panel.sms.exceptions import SmsUnsupported

register = template.Library()


@register.filter
def provider_label(name: str) -> str:
    try:
        return _provider_label(name)
    except SmsUnsupported:  # a provider since removed from the panel: its name as stored
        return name


@register.filter
def channel_flow(flow) -> str:
    return " → ".join(CHANNEL_LABELS.get(channel, channel) for channel in flow or [])


@register.filter
def provider_tag(tag: str) -> str:
    return str(TAG_LABELS.get(tag, tag))
