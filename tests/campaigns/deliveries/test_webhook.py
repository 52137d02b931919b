"""The webhook: stores each postback once, answers at once, refuses what it must."""

import logging

import pytest

from campaigns.deliveries.models import Postback
from tests.campaigns.deliveries.conftest import (
    SECRET, delivery_status, incoming, post, send_status, sent_campaign, webhook_url,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path_kind,body_of,stored_kind", [
    ("send-status", lambda c: send_status(c, "48500000000"), "send_status"),
    ("delivery-status", lambda c: delivery_status(c, "48500000000"), "delivery_status"),
    ("incoming", lambda c: incoming("48500000000", "Thanks"), "incoming"),
    (None, lambda c: send_status(c, "48500000000"), "send_status"),
    (None, lambda c: delivery_status(c, "48500000000", "MESSAGE_EXPIRED"), "delivery_status"),
    (None, lambda c: incoming("48500000000", "STOP"), "incoming"),
])
def test_each_kind_is_stored_as_received_and_answered_200(client, path_kind, body_of,
                                                          stored_kind):
    campaign = sent_campaign(1)
    body = body_of(campaign)
    response = post(client, body, path_kind)
    assert response.status_code == 200
    [postback] = Postback.objects.all()
    assert postback.kind == stored_kind
    assert postback.state == Postback.State.PENDING
    assert postback.msisdn == "48500000000"
    assert '"msisdn": "48500000000"' in postback.body  # the body exactly as posted
    assert postback.received_at is not None


def test_the_same_event_twice_is_stored_once(client):
    campaign = sent_campaign(1)
    body = delivery_status(campaign, "48500000000")
    assert post(client, body, "delivery-status").status_code == 200
    # Key order and spacing differ; it is still the same event.
    reordered = dict(reversed(list(body.items())))
    assert post(client, reordered, "delivery-status").status_code == 200
    assert post(client, body).status_code == 200  # kind told from the body: the same too
    assert Postback.objects.count() == 1
    post(client, delivery_status(campaign, "48500000000", "MESSAGE_UNDELIVERED"))
    assert Postback.objects.count() == 2  # another outcome is another event


def test_an_array_body_stores_each_event(client):
    campaign = sent_campaign(2)
    body = [send_status(campaign, "48500000000", message_id=1),
            send_status(campaign, "48500000001", message_id=2),
            send_status(campaign, "48500000001", message_id=2)]
    assert post(client, body, "send-status").status_code == 200
    assert sorted(Postback.objects.values_list("msisdn", flat=True)) == [
        "48500000000", "48500000001"]


@pytest.mark.parametrize("secret", ["wrong", SECRET + "x", SECRET[:-1]])
def test_a_wrong_secret_is_404_and_stores_nothing(client, secret):
    campaign = sent_campaign(1)
    response = post(client, send_status(campaign, "48500000000"), "send-status", secret=secret)
    assert response.status_code == 404
    assert not Postback.objects.exists()


def test_no_configured_secret_refuses_every_postback(client, settings):
    settings.JUSTSEND_WEBHOOK_SECRET = ""
    campaign = sent_campaign(1)
    assert post(client, send_status(campaign, "48500000000"), secret="").status_code == 404
    assert post(client, send_status(campaign, "48500000000"), secret="x").status_code == 404
    assert not Postback.objects.exists()


def test_an_unknown_kind_in_the_path_is_404(client):
    campaign = sent_campaign(1)
    assert post(client, send_status(campaign, "48500000000"), "bogus").status_code == 404
    assert not Postback.objects.exists()


def test_only_post_is_allowed(client):
    assert client.get(webhook_url()).status_code == 405
    assert client.get(webhook_url("send-status")).status_code == 405
    assert client.put(webhook_url(), data="{}", content_type="application/json").status_code == 405


def test_no_login_and_no_csrf_token_needed(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    campaign = sent_campaign(1)
    response = post(strict, send_status(campaign, "48500000000"), "send-status")
    assert response.status_code == 200


@pytest.mark.parametrize("body,kind,needle", [
    (b"{not json", "send-status", "not JSON"),
    (b"\xff\xfe garbage", None, "not JSON"),
    (b"[1, 2]", None, "JSON object"),
    (b"[]", None, "no postback"),
    (b'"just a string"', None, "JSON object"),
    (b'{"msisdn": "48500000000"}', "send-status", "neither an id nor a uuid"),
    (b'{"id": 1, "uuid": "u", "msisdn": "48500000000"}', "delivery-status", "deliveryStatus"),
    (b'{"id": 1, "uuid": "u", "deliveryTime": "yesterday", "deliveryStatus": "X"}', None,
     "deliveryTime"),
    (b'{"id": 1, "uuid": "u", "message": "hi"}', "incoming", "msisdn"),
])
def test_a_malformed_body_is_400_logged_and_kept(client, caplog, body, kind, needle):
    with caplog.at_level(logging.WARNING, logger="campaigns.deliveries.views"):
        response = client.post(webhook_url(kind), data=body, content_type="application/json")
    assert response.status_code == 400
    assert needle in response.json()["error"]
    [postback] = Postback.objects.all()
    assert postback.state == Postback.State.MALFORMED
    assert needle in postback.error
    assert postback.body.startswith(body[:4].decode("utf-8", "backslashreplace"))
    [record] = [r for r in caplog.records if r.name == "campaigns.deliveries.views"]
    assert needle in record.getMessage()
    assert SECRET not in record.getMessage()
    # The same broken body again is kept once.
    client.post(webhook_url(kind), data=body, content_type="application/json")
    assert Postback.objects.count() == 1


def test_a_body_with_a_nul_byte_is_kept_too(client):
    response = client.post(webhook_url(), data=b'{"id": 1\x00}', content_type="application/json")
    assert response.status_code == 400
    postback = Postback.objects.get()
    assert postback.body == '{"id": 1\ufffd}'  # what a text column takes
    assert bytes(postback.raw_body) == b'{"id": 1\x00}'  # and exactly what came


def test_the_connection_page_shows_the_url_to_paste_into_justsend(admin_client_panel):
    from django.urls import reverse

    response = admin_client_panel.get(reverse("core:connection"))
    assert response.status_code == 200
    assert f"http://testserver/webhooks/justsend/{SECRET}/" in response.content.decode()
