"""JustCall's state, lifecycle and status webhooks in the sandbox's SQLite store.

Each accepted message is a row of ``jc_messages`` (it survives a restart). A message is
``queued`` when accepted, ``sent`` ``start_after`` seconds later and final
``delivery_after`` seconds after that: ``delivered``, ``undelivered`` or ``failed`` by the
sandbox's delivery mix (its ``EXPIRED`` share becomes ``failed``: JustCall has no expiry),
picked from the row id and the seed, deterministic. Times come from the sandbox clock, so
``advance`` and ``process_due`` drive it.

Each status change of a message with a ``webhook_url`` is one JSON POST to that URL, the
manual's fields (JC L61; the timestamp format is the panel's reading)::

    {"message_id": "msg_…", "status": "sent", "to": "+48…", "from": "+1…",
     "timestamp": "2026-12-03T08:00:05Z"}

sent by the sandbox's postback sender (same concurrency and back-off) over ``jc_outbox``.
"""

from __future__ import annotations

import uuid

from ..provider_simulator import ProviderSimulator, UrlCallbackDispatcher

SCHEMA = """
CREATE TABLE IF NOT EXISTS jc_messages (
    id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, sender TEXT NOT NULL,
    recipient TEXT NOT NULL, body TEXT NOT NULL, media_url TEXT, webhook_url TEXT,
    status TEXT NOT NULL, created_at REAL NOT NULL, sent_at REAL, final_at REAL);
CREATE INDEX IF NOT EXISTS jc_messages_status ON jc_messages (status, created_at);
CREATE TABLE IF NOT EXISTS jc_outbox (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS jc_outbox_next ON jc_outbox (next_at);
"""


def _webhook_sql(status_sql: str, time_sql: str) -> str:
    """INSERT … SELECT of one webhook per message ``m`` with a webhook URL."""
    return (
        "INSERT INTO jc_outbox (kind, payload, next_at) SELECT 'webhook', json_object("
        " 'url', m.webhook_url, 'body', json_object("
        "  'message_id', m.message_id, 'status', " + status_sql + ", 'to', m.recipient, 'from', m.sender,"
        "  'timestamp', strftime('%Y-%m-%dT%H:%M:%SZ', " + time_sql + ", 'unixepoch'))), " + time_sql +
        " FROM jc_messages m"
    )


class JustCallDispatcher(UrlCallbackDispatcher):
    """The webhook sender over ``jc_outbox``; each row names its message's ``webhook_url``."""

    table = "jc_outbox"


class JustCallSimulator(ProviderSimulator):
    schema = SCHEMA
    tables = ("jc_messages", "jc_outbox")
    dispatcher_class = JustCallDispatcher
    counters = ("justcallWebhooksSent", "justcallWebhooksPending")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.final_sql = f"CASE {self.final_sql} WHEN 'expired' THEN 'failed' ELSE {self.final_sql} END"

    def accept(self, *, sender: str, to: str, body: str, media_url: str | None, webhook_url: str | None) -> dict:
        """Store one checked message (queued, its webhook queued too); the answer's ``data``."""
        now = self.clock.now()
        message_id = f"msg_{uuid.uuid4().hex[:16]}"
        with self.store.write() as conn:
            row = conn.execute(
                "INSERT INTO jc_messages (message_id, sender, recipient, body, media_url, webhook_url, status,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
                (message_id, sender, to, body, media_url, webhook_url, now),
            ).lastrowid
            conn.execute(_webhook_sql("'queued'", ":now") + " WHERE m.id = :row AND m.webhook_url IS NOT NULL",
                         {"now": now, "row": row})
        self.dispatcher.wake()
        return {"message_id": message_id, "from": sender, "to": to, "direction": "outbound", "status": "queued"}

    def step(self, now: float | None = None) -> bool:
        """queued -> sent -> final for everything due by ``now``; True when anything moved."""
        now = self.clock.now() if now is None else now
        due = {"now": now, "start": self.config.start_after, "delivery": self.config.delivery_after}
        with self.store.write() as conn:
            conn.execute(
                _webhook_sql("'sent'", "m.created_at + :start")
                + " WHERE m.status = 'queued' AND m.created_at + :start <= :now AND m.webhook_url IS NOT NULL"
                " ORDER BY m.id", due,
            )
            sent = conn.execute(
                "UPDATE jc_messages SET status = 'sent', sent_at = created_at + :start"
                " WHERE status = 'queued' AND created_at + :start <= :now", due,
            ).rowcount
            conn.execute(
                _webhook_sql(self.final_sql, "m.sent_at + :delivery")
                + " WHERE m.status = 'sent' AND m.sent_at + :delivery <= :now AND m.webhook_url IS NOT NULL"
                " ORDER BY m.id", due,
            )
            finished = conn.execute(
                f"UPDATE jc_messages AS m SET status = {self.final_sql}, final_at = sent_at + :delivery"
                " WHERE status = 'sent' AND sent_at + :delivery <= :now", due,
            ).rowcount
        if sent or finished:
            self.dispatcher.wake()
        return bool(sent or finished)
