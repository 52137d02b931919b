"""The Justsend provider: the REST client and the postback parsers."""

from justsend_panel.sms.justsend.client import JustsendClient
from justsend_panel.sms.justsend.webhooks import (
    parse_delivery_status,
    parse_incoming,
    parse_postback,
    parse_postbacks,
    parse_send_status,
    secret_matches,
)

__all__ = [
    "JustsendClient",
    "parse_delivery_status",
    "parse_incoming",
    "parse_postback",
    "parse_postbacks",
    "parse_send_status",
    "secret_matches",
]
