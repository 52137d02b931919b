"""Labels of what Justsend says about messages and bulks: delivery outcomes
(``MESSAGE_DELIVERED``), operators (``POLAND_ORANGE``), bulk statuses (``FINISHED``) and a
single message's status (``DELIVERED``)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy as _

from justsend_panel.core.labels import RawLabels, humanised
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
country_name = JS.country_name
BulkStatus = JS.BulkStatus
Country = JS.Country
DeliveryStatus = JS.DeliveryStatus

# Recipient.status_code: a delivery report's outcome, as Justsend names it.
DELIVERY_OUTCOMES = RawLabels({
    DeliveryStatus.MESSAGE_DELIVERED: _("Delivered"),
    DeliveryStatus.MESSAGE_UNDELIVERED: _("Not delivered"),
    DeliveryStatus.MESSAGE_EXPIRED: _("Expired"),
    DeliveryStatus.MESSAGE_REJECTED: _("Rejected by the operator"),
})

# A bulk's status in Justsend (manual 8.1), shown on the campaign page.
BULK_STATUSES = RawLabels({
    BulkStatus.TO_PAY: _("Waiting for payment"),
    BulkStatus.PAID: _("Paid"),
    BulkStatus.TO_SEND: _("Ready to send"),
    BulkStatus.IN_PROGRESS: _("Sending"),
    BulkStatus.WAITING_TO_SEND: _("Waiting for its send time"),
    BulkStatus.FINISHED: _("Finished"),
    BulkStatus.CANCELED: _("Cancelled"),
    BulkStatus.CANCELLED_TIME_RESTRICTED: _("Cancelled: outside the allowed sending hours"),
    BulkStatus.HOLD: _("On hold"),
    BulkStatus.HOLD_SMISHING: _("On hold: suspected phishing"),
    BulkStatus.HOLD_QUARANTINE: _("On hold: quarantine"),
    BulkStatus.HOLD_DICTIONARY: _("On hold: forbidden words"),
    BulkStatus.REJECTED: _("Rejected"),
    BulkStatus.DELETED: _("Deleted"),
})

# A single message's ``acknowledgeStatus`` (manual 8.7; the values the sandbox answers).
MESSAGE_STATUSES = RawLabels({
    "PENDING": _("Waiting"),
    "SENT": _("Sent"),
    "DELIVERED": _("Delivered"),
    "UNDELIVERED": _("Not delivered"),
    "EXPIRED": _("Expired"),
    "REJECTED": _("Rejected"),
    "CANCELLED": _("Cancelled"),
})

# Operator brands after the country in Justsend's operator names (POLAND_T_MOBILE).
OPERATOR_BRANDS = {
    "ORANGE": "Orange", "PLAY": "Play", "PLUS": "Plus", "T_MOBILE": "T-Mobile", "HEYAH": "Heyah",
    "VIRGIN": "Virgin Mobile", "NJU": "nju mobile", "LYCAMOBILE": "Lycamobile", "VODAFONE": "Vodafone",
}


def _operator(raw: str) -> str:
    """COUNTRY_BRAND -> "Brand (Country)"; a name without a known country reads as it is."""
    for country in sorted(Country, key=lambda c: -len(c.value)):
        prefix = f"{country.value}_"
        if raw.upper().startswith(prefix):
            brand = raw[len(prefix):].upper()
            name = OPERATOR_BRANDS.get(brand) or brand.replace("_", " ").title()
            return gettext("%(operator)s (%(country)s)") % {"operator": name, "country": country_name(country)}
    return humanised(raw)


OPERATORS = RawLabels({
    "FOREIGN": _("A foreign operator"),
    "UNKNOWN": _("Unknown operator"),
}, fallback=_operator)

# The operators Justsend names in its postbacks (manual 11; the sandbox's).
KNOWN_OPERATORS = ("POLAND_ORANGE", "POLAND_PLAY", "POLAND_PLUS", "POLAND_T_MOBILE", "FOREIGN")
