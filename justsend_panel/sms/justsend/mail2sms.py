"""Manual section 5: Mail2SMS authorisation codes and the sender whitelist.

A code's ``properties`` carry ``country`` for INTER codes (5.2.2) and
``voiceConfig`` for VOICE codes (5.2.3). ``PUT`` is sent partial, as the
manual's curl sample (only ``senderOverride``) shows.
"""

from __future__ import annotations

from urllib.parse import quote

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport
from justsend_panel.sms.justsend.types import (
    AuthCode,
    BulkVariant,
    Country,
    VoiceConfig,
    WhitelistEntry,
)
from justsend_panel.sms.types import JsonDict

_AUTH_CODES = "/mail2sms/config/auth-codes"


def _auth_code_body(
    sender_override: str | None,
    bulk_variant: BulkVariant | None,
    country: Country | None,
    voice_config: VoiceConfig | None,
) -> JsonDict:
    body: JsonDict = {}
    if sender_override is not None:
        body["senderOverride"] = sender_override
    if bulk_variant is not None:
        body["bulkVariant"] = bulk_variant.value
    properties = wire.variant_properties(country, voice_config)
    if properties:
        body["properties"] = properties
    return body


class Mail2SmsEndpoints(JustsendTransport):
    def list_auth_codes(self) -> list[AuthCode]:
        """``GET /mail2sms/config/auth-codes`` (5.1)."""
        return wire.objects(self.request("GET", _AUTH_CODES), "the auth codes", wire.auth_code)

    def create_auth_code(
        self,
        *,
        sender_override: str,
        bulk_variant: BulkVariant,
        country: Country | None = None,
        voice_config: VoiceConfig | None = None,
    ) -> AuthCode:
        """``POST /mail2sms/config/auth-codes`` (5.2); answers the code with its generated ``code``."""
        if bulk_variant is BulkVariant.INTER and country is None:
            raise ValueError("An INTER auth code needs a country.")
        body = _auth_code_body(sender_override, bulk_variant, country, voice_config)
        return wire.auth_code(wire.require_object(self.request("POST", _AUTH_CODES, json_body=body), "an auth code"))

    def update_auth_code(
        self,
        *,
        auth_code_id: str,
        sender_override: str | None = None,
        bulk_variant: BulkVariant | None = None,
        country: Country | None = None,
        voice_config: VoiceConfig | None = None,
    ) -> AuthCode:
        """``PUT /mail2sms/config/auth-codes/{id}`` (5.3); only the given fields are sent."""
        body = _auth_code_body(sender_override, bulk_variant, country, voice_config)
        answer = self.request("PUT", f"{_AUTH_CODES}/{quote(str(auth_code_id), safe='')}", json_body=body)
        return wire.auth_code(wire.require_object(answer, "an auth code"))

    def delete_auth_code(self, *, auth_code_id: str) -> None:
        """``DELETE /mail2sms/config/auth-codes/{id}`` (5.4); answers without a body."""
        self.request("DELETE", f"{_AUTH_CODES}/{quote(str(auth_code_id), safe='')}")

    def list_whitelist(self) -> list[WhitelistEntry]:
        """``GET /mail2sms/config/whitelist`` (5.5)."""
        return wire.objects(self.request("GET", "/mail2sms/config/whitelist"), "the whitelist", wire.whitelist_entry)

    def delete_whitelist_entry(self, *, entry_id: str) -> None:
        """``DELETE /mail2sms/config/whitelist/{id}`` (5.6)."""
        self.request("DELETE", f"/mail2sms/config/whitelist/{quote(str(entry_id), safe='')}")
