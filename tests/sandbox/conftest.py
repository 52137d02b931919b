from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import httpx
import pytest

from justsend_panel.sandbox.server import run_sandbox
# The ``sandbox`` fixture comes from tests/fixtures/sandbox.py, registered in tests/conftest.py.

RECIPIENTS = [{"msisdn": "48500100200"}, {"msisdn": "48500100201"}]


def bulk_body(**overrides) -> dict:
    body = {"name": "Promo", "bulkType": "STANDARD", "bulkVariant": "ECO", "message": "Hello from Justsend",
            "recipients": RECIPIENTS}
    body.update(overrides)
    return body


def numbers(count: int, start: int = 48600000000) -> list[str]:
    return [str(start + i) for i in range(count)]


@pytest.fixture
def api(sandbox) -> Iterator[httpx.Client]:
    with sandbox.client() as client:
        yield client


class PostbackReceiver:
    """Collects the sandbox's postbacks; ``fail_next`` answers that many with 500 first."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"] or 0))
                with receiver.lock:
                    failing = receiver.fail_next > 0
                    if failing:
                        receiver.fail_next -= 1
                    else:
                        receiver.received.append((self.path, json.loads(body)))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/justsend/s3cret/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def of_kind(self, kind: str) -> list[dict]:
        with self.lock:
            return [body for path, body in self.received if path.endswith(f"/s3cret/{kind}/")]


@pytest.fixture
def receiver() -> Iterator[PostbackReceiver]:
    collector = PostbackReceiver()
    collector.thread.start()
    yield collector
    collector.server.shutdown()
    collector.server.server_close()


@pytest.fixture
def sandbox_with_postbacks(tmp_path, receiver):
    with run_sandbox(tmp_dir=tmp_path, postback_url=receiver.url, clock="manual",
                     delivery_mix={"MESSAGE_DELIVERED": 0.6, "MESSAGE_UNDELIVERED": 0.3, "MESSAGE_EXPIRED": 0.1}) as running:
        yield running
