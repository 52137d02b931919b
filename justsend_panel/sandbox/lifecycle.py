"""Time and the bulk lifecycle: TO_SEND -> IN_PROGRESS -> FINISHED (or CANCELED).

A bulk becomes due at its ``sendDate`` (or when accepted), starts ``start_after`` seconds
later, sends its recipients evenly over ``send_duration`` seconds and each message gets its
delivery report ``delivery_after`` seconds after it was sent. Recipients of one bulk have
consecutive row ids, so "the first k recipients" is an id range and every step is a few
range UPDATEs whatever the bulk's size. Every time is computed from the bulk's own start,
not from when a step happens to run, so one ``advance(60)`` gives the same result as sixty
``advance(1)``.

Delivery outcomes follow the configured mix, picked per message from its id and the seed
(deterministic: the same run gives the same statuses).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
import uuid as uuid_module

from . import postbacks
from .accounts import Accounts
from .config import DELIVERY_STATUSES, SandboxConfig
from .store import Store
from .web import ApiError

FINAL_COLUMNS = {
    "MESSAGE_DELIVERED": ("DELIVERED", "delivered_count"),
    "MESSAGE_UNDELIVERED": ("UNDELIVERED", "undelivered_count"),
    "MESSAGE_EXPIRED": ("EXPIRED", "expired_count"),
}
BUCKETS = 10_000
log = logging.getLogger("justsend_panel.sandbox")


class Clock:
    """Wall time plus a persisted offset; in manual mode wall time is frozen at first start."""

    def __init__(self, store: Store, mode: str):
        self.store = store
        self.mode = mode
        if store.get_meta("clock_base") is None:
            with store.write() as conn:
                self._init(conn)
        self._load()

    def _init(self, conn: sqlite3.Connection) -> None:
        self.store.set_meta(conn, "clock_base", repr(time.time()))
        self.store.set_meta(conn, "clock_offset", "0")

    def _load(self) -> None:
        self._base = float(self.store.get_meta("clock_base"))
        self._offset = float(self.store.get_meta("clock_offset", "0"))

    def now(self) -> float:
        base = self._base if self.mode == "manual" else time.time()
        return base + self._offset

    def advance(self, seconds: float) -> float:
        with self.store.write() as conn:
            self._offset += seconds
            self.store.set_meta(conn, "clock_offset", repr(self._offset))
        return self.now()

    def reset(self, conn: sqlite3.Connection) -> None:
        self._init(conn)
        self._load()


def delivery_status_sql(config: SandboxConfig, column: str = "r.id") -> tuple[str, list[tuple[str, int, int]], str]:
    """A SQL CASE giving each message its final status, each status's bucket range, the bucket expression."""
    bucket = f"(({column} * 5761 + {int(config.seed) * 7919}) % {BUCKETS})"
    total = sum(config.delivery_mix.values())
    ranges, low = [], 0
    statuses = [s for s in DELIVERY_STATUSES if config.delivery_mix.get(s, 0) > 0]
    for index, status in enumerate(statuses):
        high = BUCKETS if index == len(statuses) - 1 else low + round(BUCKETS * config.delivery_mix[status] / total)
        ranges.append((status, low, high))
        low = high
    case = " ".join(f"WHEN {bucket} < {high} THEN '{status}'" for status, _, high in ranges[:-1])
    sql = f"(CASE {case} ELSE '{ranges[-1][0]}' END)" if case else f"'{ranges[-1][0]}'"
    return sql, [(status, low, high) for status, low, high in ranges], bucket


class Lifecycle:
    def __init__(self, *, store: Store, clock: Clock, accounts: Accounts, config: SandboxConfig):
        self.store = store
        self.clock = clock
        self.accounts = accounts
        self.config = config
        self.status_sql, self.status_ranges, self.bucket_sql = delivery_status_sql(config)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_progress = lambda: None
        self.also_step: list = []  # other simulators' steps (SMS Manager's), run by the same ticker

    # -- stepping ---------------------------------------------------------------------------

    def _positions_by(self, bulk: sqlite3.Row, moment: float) -> int:
        """How many of the bulk's recipients have been sent by ``moment``."""
        started, count = bulk["started_at"], bulk["recipients_count"]
        if started is None or moment < started:
            return 0
        if self.config.send_duration <= 0:
            return count
        return min(count, math.floor(count * (moment - started) / self.config.send_duration + 1e-9))

    def step(self, now: float | None = None) -> bool:
        """Apply everything due by ``now``; True when anything changed."""
        now = self.clock.now() if now is None else now
        changed = False
        with self.store.write() as conn:
            started = conn.execute(
                "UPDATE bulks SET status = 'IN_PROGRESS', started_at = due_at + ?"
                " WHERE status = 'TO_SEND' AND due_at + ? <= ?",
                (self.config.start_after, self.config.start_after, now),
            ).rowcount
            changed = started > 0
            active = conn.execute(
                "SELECT * FROM bulks WHERE status = 'IN_PROGRESS' OR (status = 'CANCELED'"
                " AND sent_count > delivered_count + undelivered_count + expired_count)"
            ).fetchall()
            for bulk in active:
                changed |= self._advance_bulk(conn, bulk, now)
        if changed:
            self.on_progress()
        return changed

    def _advance_bulk(self, conn: sqlite3.Connection, bulk: sqlite3.Row, now: float) -> bool:
        first, count = bulk["first_rid"], bulk["recipients_count"]
        sent = bulk["sent_count"]
        reported = bulk["delivered_count"] + bulk["undelivered_count"] + bulk["expired_count"]
        sent_target = self._positions_by(bulk, now) if bulk["status"] == "IN_PROGRESS" else sent
        if sent_target > sent:
            conn.execute(
                "UPDATE recipients SET status = 'SENT', sent_at = :started + (id - :first + 1) * :duration / :count"
                " WHERE id BETWEEN :low AND :high AND status = 'PENDING'",
                {"started": bulk["started_at"], "first": first, "duration": self.config.send_duration,
                 "count": count, "low": first + sent, "high": first + sent_target - 1},
            )
            if self.config.postback_url:
                postbacks.enqueue_send_status(conn, bulk=bulk, first_id=first + sent, last_id=first + sent_target - 1)
        report_target = min(sent_target, self._positions_by(bulk, now - self.config.delivery_after))
        counts = {}
        if report_target > reported:
            low, high = first + reported, first + report_target - 1
            if self.config.postback_url:
                postbacks.enqueue_delivery_status(
                    conn, bulk=bulk, first_id=low, last_id=high, status_sql=self.status_sql, delay=self.config.delivery_after
                )
            for status, bucket_low, bucket_high in self.status_ranges:
                final, column = FINAL_COLUMNS[status]
                counts[column] = conn.execute(
                    f"UPDATE recipients AS r SET status = ?, final_at = sent_at + ?"
                    f" WHERE id BETWEEN ? AND ? AND status = 'SENT' AND {self.bucket_sql} >= ? AND {self.bucket_sql} < ?",
                    (final, self.config.delivery_after, low, high, bucket_low, bucket_high),
                ).rowcount
        finished = bulk["status"] == "IN_PROGRESS" and report_target >= count
        if sent_target == sent and not counts and not finished:
            return False
        conn.execute(
            "UPDATE bulks SET sent_count = ?, delivered_count = delivered_count + ?,"
            " undelivered_count = undelivered_count + ?, expired_count = expired_count + ?,"
            " status = CASE WHEN ? THEN 'FINISHED' ELSE status END,"
            " end_at = CASE WHEN ? THEN ? ELSE end_at END WHERE id = ?",
            (sent_target, counts.get("delivered_count", 0), counts.get("undelivered_count", 0),
             counts.get("expired_count", 0), finished, finished,
             (bulk["started_at"] or now) + self.config.send_duration + self.config.delivery_after, bulk["id"]),
        )
        return True

    # -- cancelling -------------------------------------------------------------------------

    def cancel(self, raw_uuid: str) -> None:
        """Cancel a bulk (manual 3.4): 400 malformed uuid, 404 unknown, 409 finished or fully sent."""
        try:
            bulk_uuid = str(uuid_module.UUID(raw_uuid))
        except ValueError:
            raise ApiError(400, "Invalid request") from None
        now = self.clock.now()
        self.step(now)
        with self.store.write() as conn:
            bulk = conn.execute("SELECT * FROM bulks WHERE uuid = ? AND kind = 'BULK'", (bulk_uuid,)).fetchone()
            if bulk is None:
                raise ApiError(404, "Bulk not found")
            if bulk["status"] not in ("TO_SEND", "IN_PROGRESS") or bulk["sent_count"] >= bulk["recipients_count"]:
                raise ApiError(409, "Bulk cannot be cancelled")
            low, high = bulk["first_rid"] + bulk["sent_count"], bulk["last_rid"]
            unsent, segments = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(segments), 0) FROM recipients WHERE id BETWEEN ? AND ? AND status = 'PENDING'",
                (low, high),
            ).fetchone()
            units = unsent if bulk["variant"] == "VOICE" else segments
            refund_cp = min(units * bulk["price_cp"], bulk["charged_cp"] - bulk["refunded_cp"])
            conn.execute("UPDATE recipients SET status = 'CANCELLED' WHERE id BETWEEN ? AND ? AND status = 'PENDING'", (low, high))
            conn.execute(
                "UPDATE bulks SET status = 'CANCELED', cancelled_count = ?, refunded_cp = refunded_cp + ?, end_at = ? WHERE id = ?",
                (unsent, refund_cp, now, bulk["id"]),
            )
            self.accounts.refund(conn, refund_cp, promo_cap_cp=bulk["charged_promo_cp"], now=now, bulk_id=bulk["id"])

    # -- the real-time ticker ---------------------------------------------------------------

    def start_ticker(self) -> None:
        self._thread = threading.Thread(target=self._tick, name="sandbox-ticker", daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.config.tick_seconds):
            for step in (self.step, *self.also_step):
                try:
                    step()
                except Exception:  # a bad step must not stop time; the next tick tries again
                    log.exception("lifecycle step failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
