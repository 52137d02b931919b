"""Per-recipient callback tokens: a signed path naming who a status callback is about.

A provider that takes a status-callback URL per message (``per_message_callback``:
JustCall) signs nothing it sends back, so the panel puts an unguessable token at the end of
each message's URL (``/webhooks/<provider>/<secret>/<token>/``), as Postman signs its
tracking paths: ``<kind><pk>.<signature>``, the signature the first 128 bits of
HMAC-SHA256 over ``<kind><pk>`` keyed by the provider's webhook secret (with a purpose of
its own), URL-safe base64 without padding. Nothing is stored: the token is checked by
computing it again. A token from another secret, another recipient or cut short is refused.

Kinds: ``r`` a campaign's recipient (:class:`~campaigns.models.Recipient`), ``m`` a single
message (:class:`~campaigns.models.SentMessage`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from justsend_panel.core.provider import provider_webhook_secret

RECIPIENT = "r"
SINGLE_MESSAGE = "m"
KINDS = (RECIPIENT, SINGLE_MESSAGE)
SIGNATURE_BYTES = 16  # 128 bits
_TOKEN = re.compile(r"^([rm])([1-9]\d{0,18})\.([A-Za-z0-9_-]{22})$")
# Keeps these signatures apart from anything else ever keyed by the same secret.
_PURPOSE = b"justsend-panel callback token\n"


@dataclass(frozen=True)
class CallbackSubject:
    """Whom a verified token names: ``kind`` and the row's ``pk``."""

    kind: str
    pk: int

    @property
    def reference(self) -> str:
        """``<kind><pk>``: the token without its signature, safe to log and to store."""
        return f"{self.kind}{self.pk}"


def _signature(secret: str, subject: str) -> str:
    digest = hmac.new(secret.encode(), _PURPOSE + subject.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).rstrip(b"=").decode()


def callback_token_make(*, provider: str, kind: str, pk: int, secret: str | None = None) -> str | None:
    """The token for row ``pk`` of ``kind``; ``None`` when the provider has no webhook
    secret (then no callback URL is given either)."""
    if kind not in KINDS or pk <= 0:
        raise ValueError(f"No callback token for {kind!r} {pk!r}.")
    secret = provider_webhook_secret(provider) if secret is None else secret
    if not secret:
        return None
    subject = f"{kind}{pk}"
    return f"{subject}.{_signature(secret, subject)}"


def callback_token_read(token: str, *, provider: str, secret: str | None = None) -> CallbackSubject | None:
    """Whom ``token`` names, or ``None`` when it is malformed or its signature is not the
    provider's (compared in constant time)."""
    match = _TOKEN.match(token or "")
    secret = provider_webhook_secret(provider) if secret is None else secret
    if match is None or not secret:
        return None
    kind, pk, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(secret, f"{kind}{pk}")):
        return None
    return CallbackSubject(kind=kind, pk=int(pk))


def callback_token_public(token: str) -> str:
    """What of a token a log line may say: its ``<kind><pk>`` part, never the signature."""
    return (token or "").split(".", 1)[0][:21]


def single_message_pk_from_reference(reference: str | None) -> int | None:
    """The SentMessage pk a verified token's ``m<pk>`` names."""
    reference = str(reference or "")
    if reference[:1] == SINGLE_MESSAGE and reference[1:].isdigit():
        return int(reference[1:])
    return None


def recipient_pk_from_reference(reference: str | None) -> int | None:
    """The Recipient pk an event's reference names: the pk itself (SMS Manager echoes it)
    or a verified token's ``r<pk>``."""
    if not reference:
        return None
    reference = str(reference)
    if reference.isdigit():
        return int(reference)
    if reference[:1] == RECIPIENT and reference[1:].isdigit():
        return int(reference[1:])
    return None
