"""Storing postbacks as they arrive: one INSERT per request, applied later in batches.

The webhook answers Justsend as soon as the event is stored, so this path does the least
work that keeps every event: parse to tell a malformed body, one raw autocommit
``INSERT … ON CONFLICT DO NOTHING`` (no ORM, no transaction of its own) and, at most once
per ``POSTBACK_APPLY_DELAY`` per process, a task that applies what was stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.deliveries.models import Postback
from justsend_panel.celery import app as celery_app
from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.justsend.webhooks import detect_kind, parse_postback
from justsend_panel.sms.types import PostbackKind

logger = logging.getLogger(__name__)

APPLY_TASK = "deliveries.apply_postbacks"
# The URL's last part -> the kind it carries (the sandbox and Justsend post to these).
KIND_PATHS = {
    "send-status": PostbackKind.SEND_STATUS,
    "delivery-status": PostbackKind.DELIVERY_STATUS,
    "incoming": PostbackKind.INCOMING,
}

_TABLE = Postback._meta.db_table
_INSERT = (
    f"INSERT INTO {_TABLE} (kind, dedup_key, body, state, error, received_at, bulk_uuid,"
    " msisdn, message_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (dedup_key) DO NOTHING"
)


@dataclass(frozen=True)
class Received:
    events: int
    stored: int
    error: str | None = None  # set for a malformed body (stored all the same)


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\n")
    return digest.hexdigest()


def _text(body: bytes) -> str:
    # PostgreSQL text cannot hold NUL; anything else is kept as received.
    return body.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def _row(kind: str, key: str, body: str, state: str, error: str, now, event=None) -> tuple:
    def field(name: str, limit: int) -> str:
        return (getattr(event, name, None) or "")[:limit]

    return (kind, key, body, state, error, now, field("uuid", 64), field("msisdn", 32),
            field("message_id", 64))


def postbacks_receive(*, body: bytes, kind: PostbackKind | None = None) -> Received:
    """Store the postback(s) in ``body`` (an object or an array); duplicates are dropped.

    A body that is not a valid postback is stored too, as malformed, and its error returned.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    try:
        rows = _rows(body, kind, now)
    except SmsWebhookError as error:
        return _malformed(body, kind, now, error.message)
    with connection.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(_INSERT, rows[0])
        else:
            cursor.executemany(_INSERT, rows)
        stored = max(cursor.rowcount, 0)
    postbacks_apply_request()
    return Received(events=len(rows), stored=stored)


def _rows(body: bytes, kind: PostbackKind | None, now) -> list[tuple]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SmsWebhookError(_("The body is not JSON: %(error)s") % {"error": exc}) from exc
    single = not isinstance(data, list)
    items = [data] if single else data
    if not items:
        raise SmsWebhookError(_("The body holds no postback."))
    rows = []
    for item in items:
        if not isinstance(item, dict):
            raise SmsWebhookError(_("Each postback must be a JSON object."))
        event = parse_postback(item, kind)
        item_kind = event.kind.value
        canonical = json.dumps(item, sort_keys=True, separators=(",", ":"))
        text = _text(body) if single else json.dumps(item, separators=(",", ":"))
        rows.append(_row(item_kind, _key(item_kind, canonical), text, Postback.State.PENDING,
                         "", now, event))
    return rows


def _malformed(body: bytes, kind: PostbackKind | None, now, error: str) -> Received:
    if kind is None:
        try:
            data = json.loads(body)
            kind = detect_kind(data) if isinstance(data, dict) else None
        except (ValueError, UnicodeDecodeError):
            kind = None
    stored_kind = kind.value if kind else Postback.Kind.UNKNOWN
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, _row(stored_kind, _key("malformed", body), _text(body),
                                     Postback.State.MALFORMED, error, now))
    return Received(events=0, stored=0, error=error)


_last_request = 0.0
_request_lock = threading.Lock()


def postbacks_apply_request(*, force: bool = False) -> None:
    """Ask a worker to apply stored postbacks, at most once per ``POSTBACK_APPLY_DELAY``.

    The task runs that many seconds later, so it finds everything stored meanwhile: one
    task per window per process instead of one per postback. A broker that is down only
    delays the work (the beat entry drains too); the postback is stored either way.
    """
    global _last_request
    delay = 0 if force else settings.POSTBACK_APPLY_DELAY
    with _request_lock:
        now = time.monotonic()
        if not force and now - _last_request < delay:
            return
        _last_request = now

    def send() -> None:
        try:
            celery_app.send_task(APPLY_TASK, countdown=delay)
        except Exception:  # noqa: BLE001 - the event is stored; beat applies it
            logger.warning("Could not enqueue %s; beat will apply the postbacks", APPLY_TASK,
                           exc_info=True)

    transaction.on_commit(send)
