"""A ``limits`` storage in a SQLite file: one rate-limit window shared by every process
of the panel on one machine, without a server (the embedded defaults have no Redis).

``limits`` keeps its windows in memory (one process), Redis, Memcached or MongoDB. This
adapter registers the ``sqlite://`` scheme (``sqlite:///path/to/file.sqlite3``) and
implements what :class:`limits.strategies.MovingWindowRateLimiter` calls
(``acquire_entry``, ``get_moving_window``) plus the counters every storage must have. The
one lock is SQLite's write lock: ``BEGIN IMMEDIATE`` makes the count-then-insert of
``acquire_entry`` atomic across processes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from limits.storage import MovingWindowSupport, Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS window_entry (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS window_entry_key_at ON window_entry (key, at);
CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL
);
"""


class SqliteStorage(Storage, MovingWindowSupport):
    """``sqlite:///absolute/path.sqlite3`` (the file and its folder are made if missing)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(uri.removeprefix("sqlite://"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connection().executescript(SCHEMA)  # idempotent, each statement its own commit

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and process (a forked worker must not reuse its parent's).
        key = (os.getpid(), threading.get_ident())
        if getattr(self._local, "key", None) != key:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db, self._local.key = db, key
        return self._local.db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")  # the write lock, taken before the first read
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # --- the moving window --------------------------------------------------------------
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        with self._transaction() as db:
            now = time.time()
            db.execute("DELETE FROM window_entry WHERE key = ? AND at < ?", (key, now - expiry))
            (count,) = db.execute(
                "SELECT COUNT(*) FROM window_entry WHERE key = ?", (key,)
            ).fetchone()
            if count + amount > limit:
                return False
            db.executemany("INSERT INTO window_entry (key, at) VALUES (?, ?)", [(key, now)] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._connection().execute(
            "SELECT MIN(at), COUNT(*) FROM window_entry WHERE key = ? AND at >= ?",
            (key, now - expiry),
        ).fetchone()
        return (oldest if count else now), count

    # --- counters (the fixed-window strategies'; every storage has them) -----------------
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._transaction() as db:
            now = time.time()
            db.execute("DELETE FROM counter WHERE key = ? AND expires_at <= ?", (key, now))
            db.execute(
                "INSERT INTO counter (key, value, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry),
            )
            (value,) = db.execute("SELECT value FROM counter WHERE key = ?", (key,)).fetchone()
            return value

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT value FROM counter WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires_at FROM counter WHERE key = ?", (key,)
        ).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        self._connection().execute("SELECT 1").fetchone()
        return True

    def reset(self) -> int | None:
        with self._transaction() as db:
            (entries,) = db.execute("SELECT COUNT(DISTINCT key) FROM window_entry").fetchone()
            (counters,) = db.execute("SELECT COUNT(*) FROM counter").fetchone()
            db.execute("DELETE FROM window_entry")
            db.execute("DELETE FROM counter")
        return entries + counters

    def clear(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM window_entry WHERE key = ?", (key,))
            db.execute("DELETE FROM counter WHERE key = ?", (key,))
