"""Justsend's raw values as people read them (see campaigns.labels): the label, the raw
value in a tooltip. ``{{ campaign.bulk_status|bulk_status_label }}``."""

from django import template

from campaigns.labels import BULK_STATUSES, DELIVERY_OUTCOMES, MESSAGE_STATUSES, OPERATORS

register = template.Library()

for _name, _labels in {
    "bulk_status_label": BULK_STATUSES, "message_status_label": MESSAGE_STATUSES,
    "operator_label": OPERATORS, "delivery_outcome_label": DELIVERY_OUTCOMES,
}.items():
    # A function of its own: Django marks a filter with attributes, which a bound method refuses.
    register.filter(_name, lambda raw, _labels=_labels: _labels.html(raw))
