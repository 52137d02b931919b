"""Justsend's raw values as people read them (see campaigns.labels): the label, the raw
value in a tooltip."""

from django import template

from campaigns.labels import BULK_STATUSES, DELIVERY_OUTCOMES, MESSAGE_STATUSES, OPERATORS

register = template.Library()


@register.filter
def bulk_status_label(raw):
    return BULK_STATUSES.html(raw)


@register.filter
def message_status_label(raw):
    return MESSAGE_STATUSES.html(raw)


@register.filter
def operator_label(raw):
    return OPERATORS.html(raw)


@register.filter
def delivery_outcome_label(raw):
    return DELIVERY_OUTCOMES.html(raw)
