"""Template tags of contacts: the sync badge, drawn by the same code as in the tables."""

from django import template

from contacts.tables import sync_badge as sync_badge_html

register = template.Library()


@register.simple_tag
def sync_badge(record):
    return sync_badge_html(record)
