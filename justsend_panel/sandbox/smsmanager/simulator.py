"""SMS Manager's state, lifecycle and notifications in the sandbox's SQLite store.

Each accepted recipient is a row of ``smsm_messages`` (its request in ``smsm_requests``), so
messages survive a restart. A message is ``queued`` when accepted, ``sent`` ``start_after``
seconds after it is due (its ``send_at``, or acceptance) and final ``delivery_after`` seconds
later: ``delivered``, ``undelivered`` or ``expired`` by the sandbox's delivery mix, picked
from the row id and the seed like the Justsend bulks' (deterministic). Times come from the
sandbox's clock, so ``advance`` and ``process_due`` drive it.

Each status change of a message whose request named a ``callback`` becomes one JSON
notification (the panel's reading of a body the manual does not show)::

    {"message_id": "<request message_id>-<index>", "request_id": "...", "status": "sent",
     "phone_number": "...", "recipient_index": 0, "timestamp": "2026-12-03T08:00:05Z",
     "payload": {...the request's payload...}, "error": "..." (undelivered/expired only)}

POSTed to that URL by :class:`CallbackDispatcher`, the sandbox's postback sender (same
concurrency and back-off) over an outbox table of its own.
"""

from __future__ import annotations

import json
import sqlite3
import uuid

from ..provider_simulator import ProviderSimulator, UrlCallbackDispatcher

SCHEMA = """
CREATE TABLE IF NOT EXISTS smsm_requests (
    id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, message_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL, sender TEXT, callback TEXT, tag TEXT, flow TEXT, payload TEXT,
    send_at REAL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS smsm_messages (
    id INTEGER PRIMARY KEY, request_row INTEGER NOT NULL, recipient_index INTEGER NOT NULL,
    message_id TEXT NOT NULL UNIQUE, phone_number TEXT NOT NULL, status TEXT NOT NULL,
    due_at REAL NOT NULL, sent_at REAL, final_at REAL);
CREATE INDEX IF NOT EXISTS smsm_messages_status ON smsm_messages (status, due_at);
-- A request's messages are looked up by its row (queued notifications): no full scan.
CREATE INDEX IF NOT EXISTS smsm_messages_request ON smsm_messages (request_row);
CREATE TABLE IF NOT EXISTS smsm_outbox (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS smsm_outbox_next ON smsm_outbox (next_at);
"""
ERRORS = {"undelivered": "Recipient unreachable", "expired": "Validity period expired"}


def _notification_sql(status_sql: str, time_sql: str) -> str:
    """INSERT … SELECT of one notification per message of ``m`` (joined to its request ``q``)."""
    return (
        "INSERT INTO smsm_outbox (kind, payload, next_at) SELECT 'callback', json_object("
        " 'url', q.callback, 'body', json_object("
        "  'message_id', m.message_id, 'request_id', q.request_id, 'status', " + status_sql + ","
        "  'phone_number', m.phone_number, 'recipient_index', m.recipient_index,"
        "  'timestamp', strftime('%Y-%m-%dT%H:%M:%SZ', " + time_sql + ", 'unixepoch'),"
        "  'payload', json(q.payload),"
        "  'error', CASE " + status_sql + " WHEN 'undelivered' THEN '" + ERRORS["undelivered"] + "'"
        "   WHEN 'expired' THEN '" + ERRORS["expired"] + "' END)), " + time_sql +
        " FROM smsm_messages m JOIN smsm_requests q ON q.id = m.request_row"
    )


class CallbackDispatcher(UrlCallbackDispatcher):
    """The callback sender over ``smsm_outbox``; each row names its own URL (the request's callback)."""

    table = "smsm_outbox"


class SmsManagerSimulator(ProviderSimulator):
    schema = SCHEMA
    tables = ("smsm_messages", "smsm_requests", "smsm_outbox")
    dispatcher_class = CallbackDispatcher
    counters = ("smsmanagerCallbacksSent", "smsmanagerCallbacksPending")

    # -- accepting ------------------------------------------------------------------------------

    def accept(self, requests: list[dict]) -> dict:
        """Store the checked requests; the answer ``{request_id, accepted, rejected}``.

        Each request dict has ``body``, ``to`` (the numbers), ``valid`` (per number),
        ``sender``, ``callback``, ``tag``, ``flow``, ``payload``, ``send_at`` (epoch or None).
        """
        now = self.clock.now()
        request_id = str(uuid.uuid4())
        accepted, rejected = [], []
        with self.store.write() as conn:
            for request_index, request in enumerate(requests):
                for recipient_index, (number, valid) in enumerate(zip(request["to"], request["valid"])):
                    if not valid:
                        rejected.append({"phone_number": number, "reason": "Invalid phone number",
                                         "request_index": request_index, "recipient_index": recipient_index})
                if not any(request["valid"]):
                    continue
                message_id = str(uuid.uuid4())
                row = self._insert(conn, request, request_id, message_id, now)
                due = max(now, request["send_at"] or now)
                conn.executemany(
                    "INSERT INTO smsm_messages (request_row, recipient_index, message_id, phone_number, status, due_at)"
                    " VALUES (?, ?, ?, ?, 'queued', ?)",
                    [(row, index, f"{message_id}-{index}", number, due)
                     for index, (number, valid) in enumerate(zip(request["to"], request["valid"])) if valid],
                )
                conn.execute(
                    _notification_sql("'queued'", ":now") + " WHERE m.request_row = :row AND q.callback IS NOT NULL"
                    " ORDER BY m.id", {"now": now, "row": row},
                )
                accepted.append({"message_id": message_id, "request_index": request_index,
                                 "to": [n for n, valid in zip(request["to"], request["valid"]) if valid]})
        self.dispatcher.wake()
        return {"request_id": request_id, "accepted": accepted, "rejected": rejected}

    def accept_simple(self, number: str, valid: bool, message: str, sender: str | None) -> dict:
        now = self.clock.now()
        request_id = str(uuid.uuid4())
        if not valid:
            return {"request_id": request_id, "message_id": None, "accepted": False}
        message_id = str(uuid.uuid4())
        with self.store.write() as conn:
            row = self._insert(conn, {"body": message, "sender": sender}, request_id, message_id, now)
            conn.execute(
                "INSERT INTO smsm_messages (request_row, recipient_index, message_id, phone_number, status, due_at)"
                " VALUES (?, 0, ?, ?, 'queued', ?)", (row, message_id, number, now),
            )
        return {"request_id": request_id, "message_id": message_id, "accepted": True}

    @staticmethod
    def _insert(conn: sqlite3.Connection, request: dict, request_id: str, message_id: str, now: float) -> int:
        return conn.execute(
            "INSERT INTO smsm_requests (request_id, message_id, body, sender, callback, tag, flow, payload, send_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (request_id, message_id, request["body"], request.get("sender"), request.get("callback"),
             request.get("tag"), json.dumps(request["flow"]) if request.get("flow") else None,
             json.dumps(request["payload"]) if request.get("payload") is not None else None,
             request.get("send_at"), now),
        ).lastrowid

    # -- time -----------------------------------------------------------------------------------

    def step(self, now: float | None = None) -> bool:
        """queued -> sent -> final for everything due by ``now``; True when anything moved."""
        now = self.clock.now() if now is None else now
        start_after, delivery_after = self.config.start_after, self.config.delivery_after
        with self.store.write() as conn:
            due = {"now": now, "start": start_after, "delivery": delivery_after}
            conn.execute(
                _notification_sql("'sent'", "m.due_at + :start")
                + " WHERE m.status = 'queued' AND m.due_at + :start <= :now AND q.callback IS NOT NULL ORDER BY m.id",
                due,
            )
            sent = conn.execute(
                "UPDATE smsm_messages SET status = 'sent', sent_at = due_at + :start"
                " WHERE status = 'queued' AND due_at + :start <= :now", due,
            ).rowcount
            conn.execute(
                _notification_sql(self.final_sql, "m.sent_at + :delivery")
                + " WHERE m.status = 'sent' AND m.sent_at + :delivery <= :now AND q.callback IS NOT NULL ORDER BY m.id",
                due,
            )
            finished = conn.execute(
                f"UPDATE smsm_messages AS m SET status = {self.final_sql}, final_at = sent_at + :delivery"
                " WHERE status = 'sent' AND sent_at + :delivery <= :now", due,
            ).rowcount
        if sent or finished:
            self.dispatcher.wake()
        return bool(sent or finished)

    def reply(self, message_id: str, text: str) -> int:
        """A recipient's reply to ``message_id``, POSTed to its request's callback with the
        request's payload; 0 when the request had no callback, else 1. The body (the panel's
        reading, docs/providers.md; the manual says only that the payload "is returned in
        the delivery notification and replies")::

            {"type": "reply", "message_id": "<the answered message's id>-<index>",
             "request_id": "...", "phone_number": "...", "text": "STOP",
             "recipient_index": 0, "timestamp": "2026-12-03T08:00:05Z",
             "payload": {...the answered request's payload...}}
        """
        now = self.clock.now()
        with self.store.write() as conn:
            return conn.execute(
                "INSERT INTO smsm_outbox (kind, payload, next_at) SELECT 'callback', json_object('url', q.callback,"
                " 'body', json_object('type', 'reply', 'message_id', m.message_id, 'request_id', q.request_id,"
                " 'phone_number', m.phone_number, 'text', :text, 'recipient_index', m.recipient_index,"
                " 'timestamp', strftime('%Y-%m-%dT%H:%M:%SZ', :now, 'unixepoch'), 'payload', json(q.payload))), :now"
                " FROM smsm_messages m JOIN smsm_requests q ON q.id = m.request_row"
                " WHERE m.message_id = :id AND q.callback IS NOT NULL",
                {"text": text, "now": now, "id": message_id},
            ).rowcount

    def latest_message_to(self, number: str) -> str | None:
        """The id of the latest message to ``number``, or None."""
        return self.store.scalar(
            "SELECT message_id FROM smsm_messages WHERE phone_number = ? ORDER BY id DESC LIMIT 1", (number,))

    def known(self, message_id: str) -> bool:
        return self.store.scalar("SELECT 1 FROM smsm_messages WHERE message_id = ?", (message_id,)) is not None
