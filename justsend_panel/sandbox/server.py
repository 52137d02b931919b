"""Serving the sandbox: werkzeug's threaded server, and ``run_sandbox`` for tests."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import SandboxApp, create_app

DEFAULT_TEST_KEY = "sandbox-test-key"
DEFAULT_SMSMANAGER_TEST_KEY = "sandbox-smsmanager-test-key"
DEFAULT_JUSTCALL_TEST_KEY = "sandbox-justcall-test-key"
DEFAULT_JUSTCALL_TEST_SECRET = "sandbox-justcall-test-secret"
DEFAULT_SMSBY_TEST_TOKEN = "sandbox-smsby-test-token"


class _QuietRequestHandler(WSGIRequestHandler):
    """The app logs one line per request itself (without the key); werkzeug's would repeat it."""

    def log_request(self, code="-", size="-") -> None:
        pass


def build_server(app: SandboxApp, host: str, port: int) -> BaseWSGIServer:
    return make_server(host, port, app, threaded=True, request_handler=_QuietRequestHandler)


@dataclass
class RunningSandbox:
    """A sandbox served on a loopback port, with helpers for its control API."""

    app: SandboxApp
    base_url: str
    app_key: str
    smsmanager_api_key: str | None = None
    justcall_api_key: str | None = None
    justcall_api_secret: str | None = None
    smsby_token: str | None = None

    @property
    def justcall_url(self) -> str:
        """JustCall's simulated SMS API v2 (``justcall_api_key``:``justcall_api_secret``)."""
        return self.base_url + "/justcall/v2"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api"

    @property
    def smsmanager_url(self) -> str:
        """SMS Manager's simulated JSON API v2 (its API key: ``smsmanager_api_key``)."""
        return self.base_url + "/smsmanager/v2"

    @property
    def smsby_url(self) -> str:
        """SMS.by's simulated API (its token: ``smsby_token``)."""
        return self.base_url + "/smsby/api/v1"

    @property
    def control_url(self) -> str:
        return self.base_url + "/_sandbox"

    def client(self, **kwargs) -> httpx.Client:
        """An httpx client for the API (``base_url`` ends with ``/api/``), App-Key set."""
        headers = {"App-Key": self.app_key, **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.api_url + "/", headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs)

    def _control(self, method: str, path: str, **kwargs):
        response = httpx.request(method, f"{self.control_url}/{path}", headers={"App-Key": self.app_key}, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()

    def advance(self, seconds: float) -> dict:
        return self._control("POST", "clock/advance", json={"seconds": seconds})

    def set_faults(self, **faults) -> dict:
        return self._control("POST", "faults", json=faults)

    def requests(self, path: str | None = None) -> list[dict]:
        return self._control("GET", "requests", params={"path": path} if path else None)["requests"]

    def incoming(self, **message) -> dict:
        return self._control("POST", "incoming", json=message)

    def smsmanager_reply(self, text: str, *, message_id: str | None = None,
                         phone_number: str | None = None) -> dict:
        """A reply to an SMS Manager message (by its id, or the latest to a number), POSTed
        to the message's callback."""
        body = {"text": text, **({"message_id": message_id} if message_id else {}),
                **({"phone_number": phone_number} if phone_number else {})}
        return self._control("POST", "smsmanager/reply", json=body)

    def justcall_statuses(self) -> dict[str, str]:
        """JustCall's simulated messages: ``{message_id: status}``."""
        return self._control("GET", "justcall/messages")["statuses"]

    def smsby_messages(self) -> dict:
        """SMS.by's messages: ``{sms_id: {status, channel, phone}}``."""
        return self._control("GET", "smsby/messages")["messages"]

    def smsby_set_balance(self, balance: float) -> dict:
        return self._control("POST", "smsby/balance", json={"balance": balance})

    def set_balance(self, *, balance: float | None = None, promo: float | None = None) -> dict:
        return self._control("POST", "balance", json={k: v for k, v in (("balance", balance), ("promo", promo)) if v is not None})

    def add_whitelist(self, email: str) -> dict:
        return self._control("POST", "whitelist", json={"email": email})

    def reset(self) -> dict:
        return self._control("POST", "reset")

    def state(self) -> dict:
        return self._control("GET", "state")


@contextmanager
def run_sandbox(*, tmp_dir, app_key: str = DEFAULT_TEST_KEY, postback_url: str | None = None, clock: str = "manual",
                host: str = "127.0.0.1", port: int = 0, smsmanager_api_key: str | None = DEFAULT_SMSMANAGER_TEST_KEY,
                justcall_api_key: str | None = DEFAULT_JUSTCALL_TEST_KEY,
                justcall_api_secret: str | None = DEFAULT_JUSTCALL_TEST_SECRET,
                smsby_token: str | None = DEFAULT_SMSBY_TEST_TOKEN, **options) -> Iterator[RunningSandbox]:
    """Serve a sandbox (state in ``tmp_dir/sandbox.sqlite3`` unless ``state_path`` is given) in a thread."""
    state_path = options.pop("state_path", None) or Path(tmp_dir) / "sandbox.sqlite3"
    app = create_app(state_path=state_path, app_key=app_key, postback_url=postback_url, clock=clock,
                     smsmanager_api_key=smsmanager_api_key, justcall_api_key=justcall_api_key,
                     justcall_api_secret=justcall_api_secret, smsby_token=smsby_token, **options)
    server = build_server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox-server", daemon=True)
    thread.start()
    try:
        yield RunningSandbox(app=app, base_url=f"http://{host}:{server.server_port}", app_key=app_key,
                             smsmanager_api_key=smsmanager_api_key, justcall_api_key=justcall_api_key,
                             justcall_api_secret=justcall_api_secret, smsby_token=smsby_token)
    finally:
        app.release_hangs()  # let any request hanging in the timeout fault finish
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.close()
