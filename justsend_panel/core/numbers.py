"""A phone number as the panel shows it in a table or a list: a link to its history page
(every message it got, its replies, its blacklist events)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def number_link(msisdn: str | None) -> SafeString | str:
    """The number, linked to its history; "—" for none."""
    if not msisdn:
        return "—"
    return format_html(
        '<a class="font-monospace text-nowrap" href="{}" title="{}" data-number-history>{}</a>',
        reverse("campaigns:number_history", args=[msisdn]), _("History of this number"), msisdn,
    )
