"""``{% load numbers %}{{ reply.msisdn|number_link }}``: a number linked to its history."""

from django import template

from justsend_panel.core.numbers import number_link as _number_link

register = template.Library()


@register.filter
def number_link(msisdn):
    return _number_link(msisdn)
