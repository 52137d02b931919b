"""Justsend's webhook, shared by the Django view and the WSGI fast path.

:func:`webhook_receive` is the whole decision: check the secret (constant time) and the
kind, store the body, answer. The Django view (test client, runserver) and
:class:`WebhookFastPath` (gunicorn, in front of Django's handler in
``justsend_panel/wsgi.py``) both call it; the fast path skips what a postback never needs
(middleware, URL resolving, sessions, templates, a database health check per request) and
hands anything it does not recognise to Django unchanged.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http.request import split_domain_port, validate_host
from django.utils import translation

from campaigns.deliveries.services.receiving import KIND_PATHS, postbacks_receive
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.webhooks import secret_matches

JS = vocabulary("justsend")

# The view's logger name: the warning reads the same whichever path stored the body.
logger = logging.getLogger("campaigns.deliveries.views")

PREFIX = "/webhooks/justsend/"


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    content: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default=())


NOT_FOUND = WebhookAnswer(404)
STORED = WebhookAnswer(200, headers=(("Content-Type", "text/html; charset=utf-8"),))


def webhook_receive(*, secret: str, kind: str | None, body: bytes) -> WebhookAnswer:
    """Justsend's postbacks: stored at once (200), applied by a worker; 400 if malformed.

    A wrong secret (compared in constant time) or an unknown kind is a 404: nothing here
    for whoever guesses URLs.
    """
    if not secret_matches(secret, settings.JUSTSEND_WEBHOOK_SECRET):
        return NOT_FOUND
    if kind is not None and kind not in KIND_PATHS:
        return NOT_FOUND
    received = postbacks_receive(body=body, kind=KIND_PATHS.get(kind))
    if received.error is not None:
        # The path holds the secret: log the kind, never the URL.
        logger.warning("Malformed Justsend postback (%s) kept for inspection: %s",
                       kind or "kind from the body", received.error)
        return WebhookAnswer(400, json.dumps({"error": received.error}).encode(),
                             (("Content-Type", "application/json"),))
    return STORED


def webhook_path(path_info: str) -> tuple[str, str | None] | None:
    """``(secret, kind)`` for ``/webhooks/justsend/<secret>/[<kind>/]``, else ``None``.

    The same paths the URLconf matches (``<str:…>`` is one non-empty segment).
    """
    if not path_info.startswith(PREFIX) or not path_info.endswith("/"):
        return None
    parts = path_info[len(PREFIX):-1].split("/")
    if len(parts) > 2 or not all(parts):
        return None
    return parts[0], (parts[1] if len(parts) == 2 else None)


class WebhookFastPath:
    """WSGI middleware: answers the webhook itself, passes every other request to ``app``.

    Anything unusual for a postback goes to Django, which answers it as before: a path
    that is not exactly a webhook URL, a path that is not UTF-8, a host not in
    ``ALLOWED_HOSTS``, plain HTTP under ``SECURE_SSL_REDIRECT``, a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        route = self._route(environ)
        if route is None:
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed",
                           [("Allow", "POST"), ("Content-Type", "text/html; charset=utf-8"),
                            ("Content-Length", "0")])
            return [b""]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        try:
            answer = _receive_on_a_kept_connection(*route, body)
        except Exception:  # noqa: BLE001 - never let the path (the secret) reach a log
            logger.exception("Justsend postback not stored (%s)", route[1] or "kind from the body")
            answer = WebhookAnswer(500, b"Internal Server Error",
                                   (("Content-Type", "text/plain"),))
        start_response(_STATUS_LINES[answer.status],
                       [*answer.headers, ("X-Content-Type-Options", "nosniff"),
                        ("Content-Length", str(len(answer.content)))])
        return [answer.content]

    @staticmethod
    def _route(environ: dict) -> tuple[str, str | None] | None:
        raw = environ.get("PATH_INFO", "")
        if not raw.startswith(PREFIX):
            return None
        try:
            route = webhook_path(raw.encode("latin-1").decode("utf-8"))
        except UnicodeError:
            return None
        if route is None or not _host_allowed(environ):
            return None
        if settings.SECURE_SSL_REDIRECT and not _is_secure(environ):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length < 0 or (limit is not None and length > limit):
            return None
        return route


def _host_allowed(environ: dict) -> bool:
    # As HttpRequest.get_host(), without X-Forwarded-Host unless USE_X_FORWARDED_HOST.
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:
        return False  # Django builds it from SERVER_NAME; let it decide
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _is_secure(environ: dict) -> bool:
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        name, secure_value = header
        value = environ.get(name)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _receive_on_a_kept_connection(secret: str, kind: str | None, body: bytes) -> WebhookAnswer:
    """:func:`webhook_receive` on this thread's kept database connection.

    Django's handler closes an obsolete connection before and after each request and,
    with ``CONN_HEALTH_CHECKS``, spends a ``SELECT 1`` round trip per request checking a
    kept one. Here the connection is closed on the same terms (age, errors, autocommit)
    but not checked: if a kept connection turns out dead, the request is stored again on a
    new one. That is safe because the store is idempotent (``ON CONFLICT DO NOTHING`` on
    the event's hash).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    _close_if_obsolete(connection)
    # Never inside a transaction someone else opened (a test's): nothing to retry there.
    kept = connection.connection is not None and not connection.in_atomic_block
    try:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                return webhook_receive(secret=secret, kind=kind, body=body)
            except (OperationalError, InterfaceError):
                if not kept:
                    raise
                connection.close()
                return webhook_receive(secret=secret, kind=kind, body=body)
    finally:
        _close_if_obsolete(connection)


def _close_if_obsolete(connection) -> None:
    if connection.connection is None or connection.in_atomic_block:
        return
    if (connection.errors_occurred
            or connection.get_autocommit() != connection.settings_dict["AUTOCOMMIT"]
            or (connection.close_at is not None and time.monotonic() >= connection.close_at)):
        connection.close()


_STATUS_LINES = {
    200: "200 OK",
    400: "400 Bad Request",
    404: "404 Not Found",
    500: "500 Internal Server Error",
}
