"""Template filters over :mod:`justsend_panel.core.formatting`: ``{{ value|money:currency }}``,
``|points``, ``|percent``, ``|count``, ``|when``, ``|day``."""

from django import template

from justsend_panel.core import formatting

register = template.Library()


@register.filter
def money(value, currency=""):
    return formatting.money(value, currency)


@register.filter
def points(value):
    return formatting.points(value)


@register.filter
def percent(value, places=1):
    return formatting.percent(value, int(places))


@register.filter
def count(value):
    return formatting.count(value)


@register.filter
def amount(value, places=2):
    return formatting.amount(value, int(places))


@register.filter
def when(value):
    return formatting.when(value)


@register.filter
def day(value):
    return formatting.day(value)


@register.simple_tag
def panel_zone():
    return formatting.zone_name()
