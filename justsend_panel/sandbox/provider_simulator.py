"""What every other provider's simulator shares: its message table's statuses, a reset of its
own tables, and its callback sender started, stopped and flushed with the sandbox."""

from __future__ import annotations

import json
from typing import ClassVar

import httpx

from .config import SandboxConfig
from .lifecycle import Clock, delivery_status_sql
from .postbacks import PostbackDispatcher
from .store import Store


class UrlCallbackDispatcher(PostbackDispatcher):
    """The postback sender for rows that each name their own URL: ``{"url": …, "body": {…}}``
    (a provider that takes a callback URL per request or per message)."""

    def _post(self, kind: str, payload: str) -> str | None:
        envelope = json.loads(payload)
        try:
            response = self._client.post(envelope["url"], json=envelope["body"])
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}"  # the URL (with the panel's secret) stays out of the log
        return None if response.is_success else f"HTTP {response.status_code}"


class ProviderSimulator:
    """Base of a simulator with a ``step()``; its callbacks go out through ``dispatcher``."""

    schema: ClassVar[str] = ""
    tables: ClassVar[tuple[str, ...]] = ()  # its own tables, the messages table first
    dispatcher_class: ClassVar[type[PostbackDispatcher]] = PostbackDispatcher
    # The keys process_due() answers with: (callbacks sent, callbacks pending).
    counters: ClassVar[tuple[str, str]] = ("callbacksSent", "callbacksPending")

    def __init__(self, *, store: Store, clock: Clock, config: SandboxConfig):
        self.store = store
        self.clock = clock
        self.config = config
        store.conn.executescript(self.schema)
        final_sql, _, _ = delivery_status_sql(config, "m.id")
        # The sandbox's delivery mix for message row ``m``: MESSAGE_DELIVERED -> delivered.
        self.final_sql = f"lower(substr({final_sql}, 9))"
        self.dispatcher = self.dispatcher_class(
            store=store, clock=clock, base_url="", batch=config.postback_batch, timeout=config.postback_timeout,
            retry_base=config.postback_retry_base, retry_max=config.postback_retry_max,
        )

    def step(self, now: float | None = None) -> bool:
        raise NotImplementedError

    def process_due(self) -> dict:
        self.step()
        sent = self.dispatcher.flush()
        return {self.counters[0]: sent, self.counters[1]: self.dispatcher.pending()}

    def statuses(self) -> dict[str, str]:
        """message_id -> status, for tests and the control API."""
        rows = self.store.all(f"SELECT message_id, status FROM {self.tables[0]} ORDER BY id")
        return {row[0]: row[1] for row in rows}

    def reset(self) -> None:
        with self.store.write() as conn:
            for table in self.tables:
                conn.execute(f"DELETE FROM {table}")

    # -- the real-time sender (the lifecycle's ticker calls step) -------------------------------

    def start(self) -> None:
        self.dispatcher.start()

    def stop(self) -> None:
        self.dispatcher.stop()
