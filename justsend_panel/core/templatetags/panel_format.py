"""Template filters over :mod:`justsend_panel.core.formatting`: ``{{ value|money:currency }}``,
``|money_fine:currency`` (a provider's cost, 2-4 decimals),
``|points``, ``|percent``, ``|count``, ``|amount:"-2"``, ``|when``, ``|day``; and the
``{% panel_zone %}`` tag."""

from django import template

from justsend_panel.core import formatting

register = template.Library()

for _function in (formatting.money, formatting.money_fine, formatting.points, formatting.percent, formatting.count,
                  formatting.amount, formatting.when, formatting.day):
    register.filter(_function.__name__, _function)

register.simple_tag(formatting.zone_name, name="panel_zone")
