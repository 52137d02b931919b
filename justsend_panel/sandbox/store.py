"""The sandbox's state in one SQLite file (WAL): one connection per thread, one writer at a time.

Money is kept in hundredths of a point (``*_cp`` columns) so sums stay exact.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS groups (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_id INTEGER NOT NULL,
    group_type TEXT NOT NULL, country TEXT NOT NULL, create_date REAL NOT NULL);
CREATE TABLE IF NOT EXISTS group_members (
    id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, msisdn TEXT NOT NULL,
    name TEXT, surname TEXT, address TEXT, UNIQUE (group_id, msisdn));
CREATE INDEX IF NOT EXISTS group_members_msisdn ON group_members (msisdn);
CREATE TABLE IF NOT EXISTS blacklist (
    id INTEGER PRIMARY KEY, msisdn TEXT NOT NULL, country TEXT NOT NULL,
    user_id INTEGER NOT NULL, create_date REAL NOT NULL, UNIQUE (msisdn, country));
CREATE TABLE IF NOT EXISTS bulks (
    id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    name TEXT, bulk_type TEXT NOT NULL, variant TEXT NOT NULL, status TEXT NOT NULL,
    sender TEXT, message TEXT, properties TEXT, send_date REAL, due_at REAL NOT NULL,
    started_at REAL, end_at REAL, create_date REAL NOT NULL,
    price_cp INTEGER NOT NULL, charged_cp INTEGER NOT NULL DEFAULT 0,
    charged_promo_cp INTEGER NOT NULL DEFAULT 0, refunded_cp INTEGER NOT NULL DEFAULT 0,
    first_rid INTEGER, last_rid INTEGER, recipients_count INTEGER NOT NULL DEFAULT 0,
    total_segments INTEGER NOT NULL DEFAULT 0, invalid_count INTEGER NOT NULL DEFAULT 0,
    duplicate_count INTEGER NOT NULL DEFAULT 0, sent_count INTEGER NOT NULL DEFAULT 0,
    delivered_count INTEGER NOT NULL DEFAULT 0, undelivered_count INTEGER NOT NULL DEFAULT 0,
    expired_count INTEGER NOT NULL DEFAULT 0, cancelled_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS bulks_status ON bulks (status);
CREATE INDEX IF NOT EXISTS bulks_name ON bulks (name);
CREATE TABLE IF NOT EXISTS recipients (
    id INTEGER PRIMARY KEY, bulk_id INTEGER NOT NULL, msisdn TEXT NOT NULL, content TEXT,
    segments INTEGER NOT NULL, status TEXT NOT NULL, sent_at REAL, final_at REAL,
    UNIQUE (bulk_id, msisdn));
CREATE TABLE IF NOT EXISTS invalid_recipients (
    id INTEGER PRIMARY KEY, bulk_id INTEGER NOT NULL, msisdn TEXT, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invalid_recipients_bulk ON invalid_recipients (bulk_id);
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY, transaction_date REAL NOT NULL, amount_cp INTEGER NOT NULL,
    balance_after_cp INTEGER NOT NULL, transaction_type TEXT NOT NULL,
    payment_provider TEXT NOT NULL, payment_method TEXT NOT NULL,
    transaction_status TEXT NOT NULL, internal_id TEXT NOT NULL, external_id TEXT,
    bulk_id INTEGER);
CREATE TABLE IF NOT EXISTS auth_codes (
    id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, sender_override TEXT,
    bulk_variant TEXT NOT NULL, properties TEXT, create_date REAL NOT NULL, update_date REAL NOT NULL);
CREATE TABLE IF NOT EXISTS whitelist (id TEXT PRIMARY KEY, email TEXT NOT NULL, create_date REAL NOT NULL);
CREATE TABLE IF NOT EXISTS upload_descriptors (
    id INTEGER PRIMARY KEY, file_name TEXT, status TEXT NOT NULL, create_date REAL NOT NULL,
    rows_count INTEGER NOT NULL DEFAULT 0, bulk_uuid TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS incoming (
    id INTEGER PRIMARY KEY, msisdn TEXT NOT NULL, sender TEXT NOT NULL, message TEXT NOT NULL,
    prefix TEXT, group_id INTEGER, group_name TEXT, email TEXT, response_message TEXT,
    operator TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS outbox_next ON outbox (next_at);
"""

DATA_TABLES = (
    "groups", "group_members", "blacklist", "bulks", "recipients", "invalid_recipients",
    "transactions", "auth_codes", "whitelist", "upload_descriptors", "incoming", "outbox", "meta",
)


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        # Connections released by finished request threads, for the next thread to take:
        # the server starts a thread per request, and a connection per thread kept for
        # good would leak two file descriptors a request.
        self._idle: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        with self._write_lock:
            self.conn.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        with self._connections_lock:
            if self._idle:
                return self._idle.pop()
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA cache_size=-32768")  # 32 MB: big bulks update a large unique index
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit: each read is its own snapshot)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def release(self) -> None:
        """Hand this thread's connection back for reuse (at the end of a request)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        if conn.in_transaction:
            conn.rollback()
        with self._connections_lock:
            if conn in self._connections:  # not closed meanwhile
                self._idle.append(conn)

    def connection_count(self) -> int:
        """How many connections the store holds open (in use and idle)."""
        with self._connections_lock:
            return len(self._connections)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction at a time; rolled back if the block raises."""
        with self._write_lock:
            conn = self.conn
            if conn.in_transaction:  # nested use from the same thread joins the outer transaction
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else value

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def wipe(self) -> None:
        with self.write() as conn:
            for table in DATA_TABLES:
                conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, []
            self._idle = []
        for conn in connections:
            try:
                conn.close()
            except sqlite3.ProgrammingError:
                pass
