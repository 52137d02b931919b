"""``python -m justsend_panel.sandbox --port 8100 [--host 127.0.0.1] [--state var/sandbox.sqlite3]
[--postback-url URL] [--clock real|manual]``.

The App-Key comes from ``JUSTSEND_SANDBOX_APP_KEY`` (never printed); the postback URL
defaults to ``JUSTSEND_SANDBOX_POSTBACK_URL``. Prices, starting balance and delivery mix:
``JUSTSEND_SANDBOX_PRICES`` (``ECO=7,PRO=9``), ``JUSTSEND_SANDBOX_STARTING_BALANCE``,
``JUSTSEND_SANDBOX_PROMO_POINTS``, ``JUSTSEND_SANDBOX_DELIVERY_MIX``
(``DELIVERED=0.8,UNDELIVERED=0.15,EXPIRED=0.05``), ``JUSTSEND_SANDBOX_SEED``.
SMS Manager's simulator answers under ``/smsmanager/v2`` on the same port when
``SMSMANAGER_SANDBOX_API_KEY`` is set (never printed); without it every request there gets 401.
JustCall's answers under ``/justcall/v2`` when ``JUSTCALL_SANDBOX_API_KEY`` and
``JUSTCALL_SANDBOX_API_SECRET`` are set (its From numbers: ``JUSTCALL_SANDBOX_NUMBERS``).
SMS.by's answers under ``/smsby/api/v1`` when ``SMSBY_SANDBOX_TOKEN`` is set, likewise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from .app import create_app
from .server import build_server


class _SecretMask(logging.Filter):
    """Masks the postback URL (its path holds the panel's webhook secret) in any record."""

    def __init__(self, postback_url: str) -> None:
        super().__init__()
        self.postback_url = postback_url.rstrip("/")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.postback_url in message:
            record.msg, record.args = message.replace(self.postback_url, "<postback URL>"), None
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m justsend_panel.sandbox", description="Justsend API sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--state", default="var/sandbox.sqlite3", help="SQLite state file")
    parser.add_argument("--postback-url", default=os.environ.get("JUSTSEND_SANDBOX_POSTBACK_URL") or None)
    parser.add_argument("--clock", choices=("real", "manual"), default="real")
    args = parser.parse_args(argv)

    app_key = os.environ.get("JUSTSEND_SANDBOX_APP_KEY", "")
    if not app_key:
        print("JUSTSEND_SANDBOX_APP_KEY is not set: refusing to start without an App-Key.", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # our own line per request replaces werkzeug's
    # httpx logs every request URL at INFO, and the postback URL carries the webhook secret.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.postback_url:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_SecretMask(args.postback_url))
    app = create_app(state_path=args.state, app_key=app_key, postback_url=args.postback_url, clock=args.clock)
    server = build_server(app, args.host, args.port)
    print(f"Justsend sandbox API: http://{args.host}:{server.server_port}/api (clock: {args.clock}, state: {args.state})", flush=True)
    if app.config.smsmanager_api_key:
        print(f"SMS Manager simulator: http://{args.host}:{server.server_port}/smsmanager/v2", flush=True)
    if app.config.justcall_credentials:
        print(f"JustCall simulator: http://{args.host}:{server.server_port}/justcall/v2", flush=True)
    if app.config.smsby_token:
        print(f"SMS.by simulator: http://{args.host}:{server.server_port}/smsby/api/v1", flush=True)
    if args.postback_url:
        print("Postbacks go to the configured postback URL", flush=True)  # the URL carries a secret: not printed
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
