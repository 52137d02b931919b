"""Postbacks (manual section 11): an outbox table drained by one sender thread.

Payloads are built in SQL straight from the recipient rows, so a million-message bulk is a
few ``INSERT … SELECT`` statements, not a million Python objects. Each notification is one
JSON object POSTed to ``postback_url + "send-status/"``, ``"delivery-status/"`` or
``"incoming/"`` (the manual shows single objects, not arrays); the sender takes them from
the outbox in batches over one keep-alive connection. A failed POST stays in the outbox
with a growing back-off (virtual time, so the manual clock retries on ``advance``).

Field readings: ``id`` is the message's numeric id (for a single message, the id that
``POST /sender/singlemessage/send`` returned), ``uuid`` is the bulk's uuid (for a single
message, its own uuid), ``deliveryTime`` is epoch milliseconds, ``ackId`` is a number of
its own, ``operator`` is a Polish network picked from the number (``FOREIGN`` abroad).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

log = logging.getLogger("justsend_panel.sandbox.postbacks")
# Postbacks in flight at once (one HTTP connection each).
POST_CONCURRENCY = 8

KINDS = ("send-status", "delivery-status", "incoming")
ACK_ID_OFFSET = 3_000_000


def operator_sql(column: str) -> str:
    return (
        f"CASE WHEN {column} LIKE '48%' THEN (CASE CAST(substr({column}, -1) AS INTEGER) % 4"
        " WHEN 0 THEN 'POLAND_ORANGE' WHEN 1 THEN 'POLAND_PLAY' WHEN 2 THEN 'POLAND_PLUS'"
        " ELSE 'POLAND_T_MOBILE' END) ELSE 'FOREIGN' END"
    )


def enqueue_send_status(conn: sqlite3.Connection, *, bulk: sqlite3.Row, first_id: int, last_id: int) -> None:
    conn.execute(
        "INSERT INTO outbox (kind, payload, next_at) SELECT 'send-status', json_object("
        " 'id', r.id, 'sender', :sender, 'msisdn', r.msisdn, 'operator', " + operator_sql("r.msisdn") + ","
        " 'deliveryTime', CAST(r.sent_at * 1000 AS INTEGER), 'uuid', :uuid), r.sent_at"
        " FROM recipients r WHERE r.id BETWEEN :first AND :last AND r.status = 'SENT' ORDER BY r.id",
        {"sender": bulk["sender"], "uuid": bulk["uuid"], "first": first_id, "last": last_id},
    )


def enqueue_delivery_status(conn: sqlite3.Connection, *, bulk: sqlite3.Row, first_id: int, last_id: int, status_sql: str, delay: float) -> None:
    conn.execute(
        "INSERT INTO outbox (kind, payload, next_at) SELECT 'delivery-status', json_object("
        " 'id', r.id, 'sender', :sender, 'msisdn', r.msisdn, 'operator', " + operator_sql("r.msisdn") + ","
        " 'deliveryTime', CAST((r.sent_at + :delay) * 1000 AS INTEGER), 'deliveryStatus', " + status_sql + ","
        f" 'ackId', r.id + {ACK_ID_OFFSET}, 'uuid', :uuid), r.sent_at + :delay"
        " FROM recipients r WHERE r.id BETWEEN :first AND :last AND r.status = 'SENT' ORDER BY r.id",
        {"sender": bulk["sender"], "uuid": bulk["uuid"], "first": first_id, "last": last_id, "delay": delay},
    )


def enqueue_incoming(conn: sqlite3.Connection, *, incoming_id: int, now: float) -> None:
    conn.execute(
        "INSERT INTO outbox (kind, payload, next_at) SELECT 'incoming', json_object("
        " 'id', id, 'sender', sender, 'msisdn', msisdn, 'operator', operator,"
        " 'deliveryTime', CAST(received_at * 1000 AS INTEGER), 'prefix', prefix, 'groupId', group_id,"
        " 'groupName', group_name, 'idMsgContent', NULL, 'message', message, 'uuid', CAST(id AS TEXT)), ?"
        " FROM incoming WHERE id = ?",
        (now, incoming_id),
    )


class PostbackDispatcher:
    table = "outbox"  # SMS Manager's callbacks have an outbox of their own

    def __init__(self, *, store, clock, base_url: str, batch: int, timeout: float, retry_base: float, retry_max: float):
        self.store = store
        self.clock = clock
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.batch = batch
        self.retry_base = retry_base
        self.retry_max = retry_max
        self._client = httpx.Client(
            timeout=timeout, headers={"User-Agent": "justsend-sandbox-postbacks"},
            limits=httpx.Limits(max_connections=POST_CONCURRENCY),
        )
        # A batch is posted by several connections at once, as a real provider's senders
        # do: one at a time (~120/s here) left tens of thousands waiting behind a campaign.
        self._pool = ThreadPoolExecutor(max_workers=POST_CONCURRENCY,
                                        thread_name_prefix="sandbox-postback")
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _post(self, kind: str, payload: str) -> str | None:
        """None on success, else the reason it failed."""
        try:
            response = self._client.post(
                self.base_url + kind + "/", content=payload, headers={"Content-Type": "application/json"}
            )
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if response.is_success else f"HTTP {response.status_code}"

    def flush(self) -> int:
        """Send everything due now; returns how many were delivered. Failures are rescheduled."""
        delivered = 0
        with self._flush_lock:
            while not self._stop.is_set():
                now = self.clock.now()
                rows = self.store.all(
                    f"SELECT id, kind, payload, attempts FROM {self.table} WHERE next_at <= ? ORDER BY next_at, id LIMIT ?",
                    (now, self.batch),
                )
                if not rows:
                    break
                done, failed = [], []
                errors = self._pool.map(lambda row: self._post(row["kind"], row["payload"]), rows)
                for row, error in zip(rows, errors):
                    if error is None:
                        done.append((row["id"],))
                    else:
                        delay = min(self.retry_max, self.retry_base * 2 ** row["attempts"])
                        log.warning("postback %s #%s failed (%s); retry in %.1fs", row["kind"], row["id"], error, delay)
                        failed.append((now + delay, error, row["id"]))
                with self.store.write() as conn:
                    conn.executemany(f"DELETE FROM {self.table} WHERE id = ?", done)
                    conn.executemany(
                        f"UPDATE {self.table} SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?", failed
                    )
                delivered += len(done)
        return delivered

    def pending(self) -> int:
        return self.store.scalar(f"SELECT COUNT(*) FROM {self.table}")

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sandbox-postbacks", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.flush()
            except Exception:  # keep the sender alive; the rows stay in the outbox
                log.exception("postback flush failed")
            self._wake.wait(0.2)
            self._wake.clear()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()
