"""Manual section 9: single messages.

The parameter list of 9.2 is a copy of the bulk one (name, bulkType, recipients…);
its curl sample sends ``{sender, msisdn, bulkVariant, content}``, and that is the
body we send. The manual gives no answer for 9.2; it is read like a bulk send.
"""

from __future__ import annotations

from urllib.parse import quote

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport
from justsend_panel.sms.justsend.types import BulkVariant, SendResult, SingleMessage


class SingleMessageEndpoints(JustsendTransport):
    def send_single_message(
        self,
        *,
        msisdn: str,
        content: str,
        bulk_variant: BulkVariant = BulkVariant.ECO,
        sender: str | None = None,
    ) -> SendResult:
        """``POST /sender/singlemessage/send`` (9.2)."""
        body = {"sender": sender, "msisdn": msisdn, "bulkVariant": bulk_variant.value, "content": content}
        answer = self.request(
            "POST", "/sender/singlemessage/send", json_body={k: v for k, v in body.items() if v is not None}
        )
        return wire.send_result(answer)

    def get_single_message(self, *, message_id: str) -> SingleMessage:
        """``GET /sender/singlemessage/{messageId}`` (9.1)."""
        answer = self.request("GET", f"/sender/singlemessage/{quote(str(message_id), safe='')}")
        return wire.single_message(wire.require_object(answer, "a single message"))
