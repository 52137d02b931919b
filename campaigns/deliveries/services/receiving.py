"""Storing postbacks as they arrive: one INSERT per request, applied later in batches.

The webhook answers Justsend as soon as the event is stored, so this path does the least
work that keeps every event: parse to tell a malformed body, one raw autocommit
``INSERT … ON CONFLICT DO NOTHING`` (no ORM, no transaction of its own) and, at most once
per ``POSTBACK_APPLY_DELAY`` per process, a task that applies what was stored.

Concurrent requests of one process share that INSERT (group commit): while one thread's
INSERT is on its way, the rows of the requests arriving meanwhile queue up, and the next
INSERT carries them all. Each request still answers only after its own rows are committed.
A request's rows join a group only once they are known to be storable (parsed, nesting
bounded, NUL and lone surrogates replaced, the bytes as received kept beside them), and a
group whose INSERT fails anyway is inserted again request by request: one request's rows
never fail another's.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.deliveries.models import Postback
from justsend_panel.core.queueing import task_send_now
from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.webhooks import storable_text

JS = vocabulary("justsend")
detect_kind = JS.detect_kind
json_load = JS.json_load
json_storable = JS.json_storable
parse_postback = JS.parse_postback
unstorable_possible = JS.unstorable_possible
PostbackKind = JS.PostbackKind

APPLY_TASK = "deliveries.apply_postbacks"
# The URL's last part -> the kind it carries (the sandbox and Justsend post to these).
KIND_PATHS = {
    "send-status": PostbackKind.SEND_STATUS,
    "delivery-status": PostbackKind.DELIVERY_STATUS,
    "incoming": PostbackKind.INCOMING,
}

_COLUMNS = ("kind", "dedup_key", "body", "raw_body", "state", "error", "received_at",
            "bulk_uuid", "msisdn", "message_id", "attempts")
_VALUES = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
_INSERT = (  # formatted with the VALUES rows of one statement
    f"INSERT INTO {Postback._meta.db_table} ({', '.join(_COLUMNS)}) VALUES {{}}"
    " ON CONFLICT (dedup_key) DO NOTHING"
)


@dataclass(frozen=True)
class Received:
    events: int
    error: str | None = None  # set for a malformed body (stored all the same)


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\n")
    return digest.hexdigest()


def _text(body: bytes) -> str:
    # Undecodable bytes as \x.. escapes, NUL as U+FFFD: what any text column takes.
    return storable_text(body.decode("utf-8", "backslashreplace"))


def _row(kind: str, key: str, body: str, raw: bytes | None, state: str, error: str, now,
         event=None) -> tuple:
    def field(name: str, limit: int) -> str:
        return storable_text(getattr(event, name, None) or "")[:limit]

    return (kind, key, storable_text(body), raw, state, storable_text(error), now,
            field("uuid", 64), field("msisdn", 32), field("message_id", 64), 0)


def postbacks_receive(*, body: bytes, kind: PostbackKind | None = None) -> Received:
    """Store the postback(s) in ``body`` (an object or an array); duplicates are dropped.

    A body that is not a valid postback is stored too, as malformed, and its error returned.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    try:
        rows = _rows(body, kind, now)
    except SmsWebhookError as error:
        return _malformed(body, kind, now, error.message)
    _group.store(rows)
    postbacks_apply_request()
    return Received(events=len(rows))


def _rows(body: bytes, kind: PostbackKind | None, now) -> list[tuple]:
    try:
        data = json_load(body)
    except SmsWebhookError as error:
        raise SmsWebhookError(_("The body is not JSON: %(error)s") % {"error": error.message}
                              ) from error
    single = not isinstance(data, list)
    items = [data] if single else data
    if not items:
        raise SmsWebhookError(_("The body holds no postback."))
    texts = unstorable_possible(body)
    rows = []
    for item in items:
        if not isinstance(item, dict):
            raise SmsWebhookError(_("Each postback must be a JSON object."))
        storable, replaced = json_storable(item, texts=texts)
        event = parse_postback(storable, kind)
        item_kind = event.kind.value
        # The key of the event as sent: two events that differ only in what was replaced
        # are two events.
        canonical = json.dumps(item, sort_keys=True, separators=(",", ":"))
        if replaced:
            text = json.dumps(storable, ensure_ascii=False, separators=(",", ":"))
            raw = body if single else json.dumps(item, separators=(",", ":")).encode()
        else:
            text = _text(body) if single else json.dumps(item, separators=(",", ":"))
            raw = None
        rows.append(_row(item_kind, _key(item_kind, canonical), text, raw,
                         Postback.State.PENDING, "", now, event))
    return rows


def _malformed(body: bytes, kind: PostbackKind | None, now, error: str) -> Received:
    if kind is None:
        try:
            data = json_load(body)
            kind = detect_kind(data) if isinstance(data, dict) else None
        except SmsWebhookError:
            kind = None
    stored_kind = kind.value if kind else Postback.Kind.UNKNOWN
    text = _text(body)
    raw = None if text.encode() == body else body
    _insert([_row(stored_kind, _key("malformed", body), text, raw, Postback.State.MALFORMED,
                  error, now)])
    return Received(events=0, error=error)


_CHUNK = 500  # rows per statement: 4,500 parameters, within SQLite's and PostgreSQL's limits


def _insert(rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            cursor.execute(_INSERT.format(", ".join([_VALUES] * len(chunk))),
                           [value for row in chunk for value in row])


class _Waiting:
    __slots__ = ("rows", "done", "lead", "error")

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows
        self.done = threading.Event()
        self.lead = False  # woken to insert the next group, not because its rows are in
        self.error: BaseException | None = None


class _GroupInsert:
    """One INSERT for the rows of every request that waits for it, in this process.

    The first request finding no INSERT under way makes one for whatever is queued; the
    ones arriving meanwhile queue their rows and wait; when the INSERT returns, its
    requests are answered and the first queued one inserts the next group on its own
    thread's connection. A failed INSERT is made again for each request of its group on its
    own, so that only a request whose own rows cannot be stored fails (none answers 200
    for rows that are not stored). Inside a transaction (``atomic``) a request inserts
    alone: others' rows must not depend on its commit.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._busy = False

    def store(self, rows: list[tuple]) -> None:
        if connection.in_atomic_block:
            _insert(rows)
            return
        me = _Waiting(rows)
        with self._lock:
            self._queue.append(me)
            lead = not self._busy
            self._busy = True
        if not lead:
            me.done.wait()
        if me.lead or lead:
            self._insert_group()
        if me.error is not None:
            raise me.error

    def _insert_group(self) -> None:
        with self._lock:
            group, count = [], 0
            while self._queue and (not group or count + len(self._queue[0].rows)
                                   <= _CHUNK):
                waiting = self._queue.pop(0)
                group.append(waiting)
                count += len(waiting.rows)
        try:
            try:
                _insert([row for waiting in group for row in waiting.rows])
            except Exception:
                if len(group) == 1:
                    raise
                # Autocommit: the failed statement stored nothing; find whose rows fail.
                for waiting in group:
                    try:
                        _insert(waiting.rows)
                    except Exception as error:  # noqa: BLE001 - answered to its request
                        waiting.error = error
        except BaseException as error:
            for waiting in group:
                waiting.error = waiting.error or error
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                if following is None:
                    self._busy = False
                else:
                    following.lead = True
            for waiting in group:
                waiting.lead = False
                waiting.done.set()
            if following is not None:
                following.done.set()


_group = _GroupInsert()


# None until this process first asks: the first postback always asks, however long ago
# the machine booted (``time.monotonic()`` counts from the boot).
_last_request: float | None = None
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
        if not force and _last_request is not None and now - _last_request < delay:
            return
        _last_request = now
    transaction.on_commit(lambda: task_send_now(APPLY_TASK, countdown=delay))
