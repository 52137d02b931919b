"""Never lost, never twice, under faults (issue 12, defects 1 and 2): a postback that cannot
be stored as sent, or cannot be applied, costs nothing to the others."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DataError, connection, connections
from django.utils import timezone

from campaigns.deliveries.models import Postback, Reply
from campaigns.deliveries.services import applying, receiving
from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.deliveries.tasks import postbacks_apply_task
from campaigns.models import Recipient
from contacts.models import BlacklistEntry
from tests.campaigns.deliveries.conftest import (
    incoming, post, send_status, sent_campaign, webhook_url,
)
from tests.campaigns.deliveries.test_wsgi import (  # noqa: F401 - fixtures among them
    call, enqueued, keep_the_test_transaction,
)

P = Postback.State


def _json(value) -> bytes:
    # json.dumps writes a lone surrogate or a NUL as its \u escape, as Justsend does.
    return json.dumps(value).encode()


# -- storing -----------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("text,kept", [
    ("x\ud800", "x\ufffd"), ("a\u0000b", "a\ufffdb"), ("\udc00\ud83d", "\ufffd\ufffd"),
], ids=["lone high surrogate", "NUL", "reversed pair"])
def test_unstorable_text_is_stored_replaced_with_the_bytes_kept_and_applied(client, text,
                                                                            kept):
    body = _json(incoming("48500000001", text))
    assert post(client, body, "incoming").status_code == 200
    postback = Postback.objects.get()
    assert postback.state == P.PENDING
    assert "\ufffd" in postback.body and "\\u" not in postback.body
    assert bytes(postback.raw_body) == body  # nothing lost
    assert postbacks_apply().applied == 1
    assert Reply.objects.get().message == kept


@pytest.mark.django_db
def test_a_valid_emoji_is_stored_as_sent_without_raw_bytes(client):
    body = _json(incoming("48500000001", "Dzięki 😀"))  # a surrogate pair in the escape
    assert post(client, body, "incoming").status_code == 200
    postback = Postback.objects.get()
    assert postback.raw_body is None
    postbacks_apply()
    assert Reply.objects.get().message == "Dzięki 😀"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["msisdn", "id", "uuid"])
def test_a_nul_or_a_surrogate_in_a_searched_field_is_stored(client, field):
    """The fields copied to their own columns too: PostgreSQL's text refuses NUL (the
    INSERT failed, 500), and no driver encodes a lone surrogate."""
    campaign = sent_campaign(1)
    for n, bad in enumerate(["48500\u0000000000", "48500\ud800000000"]):
        body = send_status(campaign, "48500000000", message_id=n)
        body[field] = bad
        assert post(client, _json(body), "send-status").status_code == 200
    assert Postback.objects.count() == 2
    assert all(p.raw_body is not None for p in Postback.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    _json({"id": 1, "uuid": "u", "extra": json.loads("[" * 40 + "]" * 40)}),
], ids=["deep array", "deep object", "nested beyond any postback"])
@pytest.mark.parametrize("path", ["django", "wsgi"])
def test_deeply_nested_json_is_a_400_and_kept_as_malformed(client, body, path,
                                                           keep_the_test_transaction):
    if path == "django":
        response = client.post(webhook_url(), data=body, content_type="application/json")
    else:
        response = call(webhook_url(), body)
    assert response.status_code == 400
    assert "nests too deeply" in response.json()["error"]
    assert Postback.objects.get().state == P.MALFORMED


@pytest.mark.django_db(transaction=True)
def test_bad_bodies_sent_alongside_good_ones_fail_only_themselves(enqueued):  # noqa: F811
    """300 valid postbacks among 300 bad ones, 8 threads of one process sharing INSERTs:
    every valid one 200 and stored, every bad one 400 (before: 500s for valid ones on
    PostgreSQL, and every deeply nested one 500)."""
    campaign = sent_campaign(1)
    bad_bodies = [
        _json({**send_status(campaign, "48500000000"), "msisdn": "4850\u00000"}),
        _json({**send_status(campaign, "48500000000"), "msisdn": "4850\ud8000"}),
        b"[" * 50_000,
        b'{"id": 1, "uuid": ' + b"[" * 60 + b"]" * 60 + b"}",
        b"{not json",
    ]

    def post_one(n: int) -> tuple[bool, int]:
        try:
            if n % 2:
                body = _json(send_status(campaign, "48500000000", message_id=n))
                return True, call(webhook_url("send-status"), body).status_code
            bad = bad_bodies[n // 2 % len(bad_bodies)]
            if n // 2 % len(bad_bodies) < 2:  # a distinct event each time: not deduplicated
                bad = bad.replace(b'"id": 1', f'"id": {n}'.encode())
            return False, call(webhook_url("send-status"), bad).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post_one, range(600)))
    good = [status for valid, status in answers if valid]
    bad = [status for valid, status in answers if not valid]
    assert good == [200] * 300
    # The NUL and surrogate ones are stored (replaced) and answered 200; the rest 400.
    assert sorted(set(bad)) == [200, 400]
    assert bad.count(400) == 180
    assert Postback.objects.filter(state=P.PENDING).count() == 300 + 120
    assert Postback.objects.filter(state=P.MALFORMED).count() == 3  # one per distinct body


@pytest.mark.django_db(transaction=True)
def test_a_group_whose_insert_fails_is_inserted_again_request_by_request(monkeypatch):
    """The group commit's last line of defence: a row that passed every check and still
    fails its INSERT fails its own request, not the others queued with it."""
    campaign = sent_campaign(1)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    real_insert = receiving._insert

    def insert(rows):
        if any(row[_msisdn_column()] == "48500000666" for row in rows):
            raise DataError("value refused")
        real_insert(rows)

    monkeypatch.setattr(receiving, "_insert", insert)
    group = receiving._GroupInsert()
    waiting = [
        receiving._Waiting(receiving._rows(_json(send_status(campaign, msisdn, message_id=n)),
                                           None, now))
        for n, msisdn in enumerate(["48500000001", "48500000666", "48500000002"])
    ]
    group._queue.extend(waiting)
    group._busy = True
    group._insert_group()
    assert [type(w.error) for w in waiting] == [type(None), DataError, type(None)]
    assert all(w.done.is_set() for w in waiting)
    assert set(Postback.objects.values_list("msisdn", flat=True)) == {"48500000001",
                                                                      "48500000002"}


def _msisdn_column() -> int:
    return receiving._COLUMNS.index("msisdn")


# -- applying ------------------------------------------------------------------------------

def _stored_by_the_old_version(body: dict) -> Postback:
    """A postback as the panel stored it before this fix: the JSON escape of a lone
    surrogate kept in the body, read back as the surrogate itself."""
    return Postback.objects.create(
        kind="incoming", dedup_key=str(body["id"]), body=json.dumps(body),
        received_at=timezone.now(), msisdn=body["msisdn"],
    )


@pytest.mark.django_db
def test_a_stored_surrogate_no_longer_stops_the_apply(client, settings):
    """The blocker: one stored reply holding "x\\ud800" made every apply run raise
    UnicodeEncodeError and roll its whole batch back, for good."""
    settings.STOP_KEYWORDS = ["STOP"]
    poison = _stored_by_the_old_version(incoming("48500000001", "x\ud800", message_id=1))
    post(client, incoming("48500000002", "STOP", message_id=2), "incoming")
    result = postbacks_apply()
    assert result.applied == 2
    assert Reply.objects.get(postback=poison).message == "x\ufffd"
    assert BlacklistEntry.objects.filter(msisdn="48500000002").exists()


@pytest.fixture
def failing_message_ids(monkeypatch):
    """Delivery events whose message id is listed raise when applied, as an event the code
    does not foresee would."""
    failing = {"13"}
    real_advance = applying._advance

    def advance(recipient, event, postback):
        if event.message_id in failing:
            raise RuntimeError(f"cannot apply message {event.message_id}")
        return real_advance(recipient, event, postback)

    monkeypatch.setattr(applying, "_advance", advance)
    return failing


@pytest.mark.django_db
def test_an_event_that_cannot_be_applied_is_quarantined_and_the_others_applied(
        client, settings, failing_message_ids):
    settings.POSTBACK_APPLY_BATCH = 8
    campaign = sent_campaign(20)
    for n in range(20):
        post(client, send_status(campaign, f"48{500000000 + n}", message_id=n), "send-status")
    result = postbacks_apply()
    assert (result.applied, result.failed, result.read) == (19, 1, 20)
    failed = Postback.objects.get(state=P.FAILED)
    assert failed.message_id == "13" and failed.attempts == 1
    assert failed.error == "RuntimeError: cannot apply message 13"
    assert Recipient.objects.filter(status=Recipient.Status.SENT).count() == 19
    campaign.refresh_from_db()
    assert campaign.sent_count == 19  # the counters moved for the applied ones only

    # Nothing pending is left: the next run reads nothing and tries nothing again.
    assert postbacks_apply().read == 0
    assert Postback.objects.get(pk=failed.pk).attempts == 1


@pytest.mark.django_db
def test_a_quarantined_event_applied_again_after_the_cause_is_gone(
        client, failing_message_ids, monkeypatch):
    campaign = sent_campaign(1)
    post(client, send_status(campaign, "48500000000", message_id=13), "send-status")
    postbacks_apply()
    assert Postback.objects.get().state == P.FAILED
    asked = []
    monkeypatch.setattr(applying, "postbacks_apply_request",
                        lambda **kwargs: asked.append(kwargs))
    every = list(Postback.objects.values_list("pk", flat=True))
    assert applying.postbacks_reapply(ids=every) == 1
    assert asked == [{"force": True}]
    assert Postback.objects.get().state == P.PENDING

    postbacks_apply()  # still failing: quarantined again, counted
    postback = Postback.objects.get()
    assert (postback.state, postback.attempts) == (P.FAILED, 2)

    failing_message_ids.clear()
    applying.postbacks_reapply(ids=[postback.pk])
    postbacks_apply()
    postback.refresh_from_db()
    assert (postback.state, postback.error) == (P.APPLIED, "")
    assert Recipient.objects.get().status == Recipient.Status.SENT


@pytest.mark.django_db
def test_reapply_leaves_postbacks_that_are_not_quarantined_alone(client):
    campaign = sent_campaign(1)
    post(client, send_status(campaign, "48500000000"), "send-status")
    postbacks_apply()
    every = list(Postback.objects.values_list("pk", flat=True))
    assert applying.postbacks_reapply(ids=every) == 0
    assert Postback.objects.get().state == P.APPLIED


@pytest.mark.django_db
def test_a_failing_event_does_not_make_the_task_enqueue_itself_again(
        client, failing_message_ids, monkeypatch):
    campaign = sent_campaign(2)
    post(client, send_status(campaign, "48500000000", message_id=13), "send-status")
    post(client, send_status(campaign, "48500000001", message_id=14), "send-status")
    sent = []
    monkeypatch.setattr("justsend_panel.celery.app.send_task",
                        lambda name, **kwargs: sent.append(name))
    postbacks_apply_task()
    assert sent == []
    assert sorted(Postback.objects.values_list("state", flat=True)) == [P.APPLIED, P.FAILED]


@pytest.mark.django_db(transaction=True)
def test_two_apply_runs_at_once_apply_each_event_once(client):
    """Two workers' runs take disjoint batches (PostgreSQL: SKIP LOCKED; SQLite: one
    writer at a time): every reply is kept once, every STOP blacklists once."""
    for n in range(40):
        post(client, incoming(f"48{600000000 + n}", "Hello", message_id=n), "incoming")
    barrier = threading.Barrier(2)

    def run(_n: int):
        try:
            barrier.wait()
            return postbacks_apply(limit=5).applied
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        applied = list(pool.map(run, range(2)))
    assert sum(applied) == 40
    assert Reply.objects.count() == 40
    assert not Postback.objects.exclude(state=P.APPLIED).exists()


@pytest.mark.django_db
def test_an_altered_postback_is_listed_for_the_administrator_and_the_stop_after_it_applies(
        client, admin_client_panel):
    """The issue's user check: a reply with a lone surrogate, then a STOP from another
    number — the second is blacklisted, the first is shown on the Connection page with a
    link to the admin list of postbacks altered on receipt."""
    from django.urls import reverse

    assert post(client, _json(incoming("48500000001", "x\ud800")), "incoming").status_code == 200
    assert post(client, _json(incoming("48500000002", "STOP")), "incoming").status_code == 200
    assert postbacks_apply().applied == 2
    assert BlacklistEntry.objects.filter(msisdn__endswith="500000002").exists()

    page = admin_client_panel.get(reverse("core:connection")).content.decode()
    assert 'data-testid="postbacks-altered"' in page
    assert "1 postback altered on receipt: see it in admin" in page
    listing = reverse("admin:campaigns_postback_changelist") + "?raw_kept=yes"
    assert listing in page
    rows = admin_client_panel.get(listing).context["cl"].result_list
    assert [row.msisdn for row in rows] == ["48500000001"]
