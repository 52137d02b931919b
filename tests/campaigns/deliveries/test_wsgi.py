"""The webhook as gunicorn serves it: ``justsend_panel.wsgi.application`` answers postbacks
before Django's handler and passes every other request to Django.

These tests call the WSGI callable with a WSGI environ (the test client would bypass
``wsgi.py``)."""

import importlib.util
import io
import json
import logging

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection

from campaigns.deliveries.models import Postback
from campaigns.deliveries.services import receiving
from justsend_panel.celery import app as celery_app
from justsend_panel.wsgi import application
from tests.campaigns.deliveries.conftest import (
    SECRET, delivery_status, incoming, send_status, sent_campaign, webhook_url,
)


class Answer:
    def __init__(self, status: str, headers: list, content: bytes):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = content

    def json(self):
        return json.loads(self.content)


def call(path: str, body: bytes | dict | list = b"", *, method: str = "POST",
         host: str = "testserver", **extra) -> Answer:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "QUERY_STRING": "",
        # WSGI carries the path as bytes decoded as latin-1.
        "PATH_INFO": path.encode().decode("latin-1"),
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host, "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)), "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(data), "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False, **extra,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    result = application(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(seen["status"], seen["headers"], content)


@pytest.fixture
def django_handler_calls():
    """Requests that reached Django's handler (it sends ``request_started`` for each)."""
    calls = []

    def receiver(sender, environ, **kwargs):
        calls.append(environ["PATH_INFO"])

    request_started.connect(receiver)
    yield calls
    request_started.disconnect(receiver)


@pytest.fixture
def enqueued(monkeypatch):
    """The apply tasks sent to the broker, with the per-process window as a new process
    starts it, on a machine booted a second ago (``time.monotonic()`` counts from boot)."""
    sent = []
    monkeypatch.setattr(receiving, "_last_request", _fresh_process_last_request())
    monkeypatch.setattr(receiving.time, "monotonic", lambda: 1.0)
    monkeypatch.setattr(celery_app, "send_task",
                        lambda name, **kwargs: sent.append((name, kwargs)))
    return sent


def _fresh_process_last_request():
    """``receiving._last_request`` as a newly started process has it."""
    spec = importlib.util.find_spec(receiving.__name__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._last_request


@pytest.mark.django_db
@pytest.mark.parametrize("path_kind,body_of,stored_kind", [
    ("send-status", lambda c: send_status(c, "48500000000"), "send_status"),
    ("delivery-status", lambda c: delivery_status(c, "48500000000"), "delivery_status"),
    ("incoming", lambda c: incoming("48500000000", "Thanks"), "incoming"),
    (None, lambda c: delivery_status(c, "48500000000", "MESSAGE_EXPIRED"), "delivery_status"),
    (None, lambda c: incoming("48500000000", "STOP"), "incoming"),
])
def test_each_kind_is_stored_without_going_through_django(django_handler_calls, path_kind,
                                                          body_of, stored_kind):
    campaign = sent_campaign(1)
    answer = call(webhook_url(path_kind), body_of(campaign))
    assert answer.status_code == 200
    assert answer.content == b""
    [postback] = Postback.objects.all()
    assert postback.kind == stored_kind
    assert postback.state == Postback.State.PENDING
    assert postback.msisdn == "48500000000"
    assert django_handler_calls == []


@pytest.mark.django_db
def test_a_kind_in_the_path_overrides_what_the_body_suggests():
    # No deliveryStatus in the body, but posted to the delivery-status URL: refused as one.
    campaign = sent_campaign(1)
    answer = call(webhook_url("delivery-status"), send_status(campaign, "48500000000"))
    assert answer.status_code == 400
    assert "deliveryStatus" in answer.json()["error"]
    assert Postback.objects.get().kind == "delivery_status"


@pytest.mark.django_db
def test_the_same_event_twice_is_stored_once():
    campaign = sent_campaign(2)
    body = delivery_status(campaign, "48500000000")
    assert call(webhook_url("delivery-status"), body).status_code == 200
    assert call(webhook_url("delivery-status"),
                dict(reversed(list(body.items())))).status_code == 200
    assert call(webhook_url(), body).status_code == 200
    assert Postback.objects.count() == 1
    array = [send_status(campaign, "48500000001", message_id=2)] * 2
    assert call(webhook_url("send-status"), array).status_code == 200
    assert Postback.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("secret,kind", [
    ("wrong", None), (SECRET + "x", "send-status"), (SECRET[:-1], None), (SECRET, "bogus"),
])
def test_a_wrong_secret_or_kind_is_404_and_stores_nothing(django_handler_calls, secret, kind):
    campaign = sent_campaign(1)
    answer = call(webhook_url(kind, secret), send_status(campaign, "48500000000"))
    assert answer.status_code == 404
    assert not Postback.objects.exists()
    assert django_handler_calls == []


@pytest.mark.django_db
def test_no_configured_secret_refuses_every_postback(settings):
    settings.JUSTSEND_WEBHOOK_SECRET = ""
    campaign = sent_campaign(1)
    assert call(webhook_url(secret="x"), send_status(campaign, "48500000000")).status_code == 404
    assert not Postback.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD"])
def test_only_post_is_allowed(django_handler_calls, method):
    answer = call(webhook_url("send-status"), b"{}", method=method)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"
    assert not Postback.objects.exists()
    assert django_handler_calls == []


@pytest.mark.django_db
def test_a_malformed_body_is_400_logged_without_the_secret_and_kept_once(caplog):
    with caplog.at_level(logging.WARNING, logger="campaigns.deliveries.views"):
        answer = call(webhook_url("send-status"), b"{not json")
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/json"
    assert "not JSON" in answer.json()["error"]
    [postback] = Postback.objects.all()
    assert postback.state == Postback.State.MALFORMED
    assert postback.body == "{not json"
    [record] = [r for r in caplog.records if r.name == "campaigns.deliveries.views"]
    assert "send-status" in record.getMessage()
    assert SECRET not in record.getMessage()
    assert call(webhook_url("send-status"), b"{not json").status_code == 400
    assert Postback.objects.count() == 1


@pytest.mark.django_db
def test_the_apply_task_is_enqueued_once_per_window(enqueued, settings,
                                                    django_capture_on_commit_callbacks):
    """Also on a machine booted a second ago, whose clock is inside the first window:
    the first postback of a process always asks (``make test`` right after a boot)."""
    settings.POSTBACK_APPLY_DELAY = 3600  # the window does not end during the test
    campaign = sent_campaign(3)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            msisdn = f"4850000000{n}"
            assert call(webhook_url(), send_status(campaign, msisdn)).status_code == 200
    assert Postback.objects.count() == 3
    assert enqueued == [(receiving.APPLY_TASK, {"kwargs": {}, "countdown": 3600})]


def test_other_urls_still_reach_django(django_handler_calls):
    answer = call("/", method="GET")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/accounts/login/")
    assert django_handler_calls == ["/"]


@pytest.mark.parametrize("path", [
    f"/webhooks/justsend/{SECRET}",  # no trailing slash: Django's APPEND_SLASH answers
    f"/webhooks/justsend/{SECRET}/send-status/extra/",
    "/webhooks/justsend//",
])
def test_paths_that_are_not_exactly_a_webhook_url_go_to_django(django_handler_calls, path):
    answer = call(path, method="GET")
    assert answer.status_code in (301, 302, 404)
    assert django_handler_calls == [path]


@pytest.fixture
def keep_the_test_transaction():
    """Django's handler closes old connections per request, which would end the test's
    transaction; its test client disconnects that receiver in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_a_host_not_allowed_goes_to_django_which_refuses_it(django_handler_calls,
                                                            keep_the_test_transaction):
    campaign = sent_campaign(1)
    answer = call(webhook_url(), send_status(campaign, "48500000000"), host="evil.example")
    assert answer.status_code == 400
    assert not Postback.objects.exists()
    assert len(django_handler_calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_dead_kept_connection_is_replaced_and_the_postback_stored(enqueued):
    """PostgreSQL ends the kept connection between two postbacks (a restart, an idle
    timeout): the next postback is stored on a new connection, not refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server that can end a connection")
    campaign = sent_campaign(2)
    assert call(webhook_url(), send_status(campaign, "48500000000")).status_code == 200
    pid = connection.connection.info.backend_pid
    from django.db import connections

    with connections.create_connection("default").cursor() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert call(webhook_url(), send_status(campaign, "48500000001")).status_code == 200
    assert Postback.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_postbacks_are_each_stored_once_and_each_answered(enqueued):
    """Threads of one process share INSERTs (group commit): every request is answered
    200 only with its rows stored, duplicates across requests are stored once."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    campaign = sent_campaign(1)

    def post(n: int) -> int:
        try:  # the same event from two requests: n and n + 100 carry one message id
            body = send_status(campaign, "48500000000", message_id=n % 100)
            return call(webhook_url("send-status"), body).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(200)))
    assert statuses == [200] * 200
    assert Postback.objects.count() == 100


@pytest.mark.django_db
def test_an_array_larger_than_one_insert_is_stored_whole():
    campaign = sent_campaign(1)
    body = [send_status(campaign, "48500000000", message_id=n) for n in range(1200)]
    assert call(webhook_url("send-status"), body).status_code == 200
    assert Postback.objects.count() == 1200
