import pytest

from .conftest import bulk_body

RANGE = {"fromDate": "2000-01-01T00:00:00+00:00", "toDate": "2100-01-01T00:00:00+00:00"}


def _single(api, **overrides):
    body = {"sender": "ACME", "msisdn": "48123123123", "bulkVariant": "PRO", "content": "Hello"}
    body.update(overrides)
    return api.post("sender/singlemessage/send", json=body)


def test_single_message_send_get_and_lifecycle(sandbox, api):
    response = _single(api)
    assert response.status_code == 201
    message = response.json()
    assert (message["msisdn"], message["content"], message["sender"], message["acknowledgeStatus"]) == (
        "48123123123", "Hello", "ACME", "PENDING")
    assert (message["chargedPoints"], message["messageCount"]) == (9, 1)
    assert message["transactionValue"] == {"amount": 0.09, "currency": "PLN"}
    assert api.get(f"sender/singlemessage/{message['id']}").json() == message
    sandbox.advance(3)  # starts after 1 s, sent within the 2 s send window, report 1 s later
    assert api.get(f"sender/singlemessage/{message['id']}").json()["acknowledgeStatus"] == "SENT"
    sandbox.advance(10)
    final = api.get(f"sender/singlemessage/{message['id']}").json()
    assert final["acknowledgeStatus"] in {"DELIVERED", "UNDELIVERED", "EXPIRED"}
    assert api.get("sender/singlemessage/99999").status_code == 404
    assert api.get("sender/singlemessage/abc").status_code == 404
    assert api.get("overview/bulks").json()["totalElements"] == 0  # a single message is not a bulk
    assert api.get("payment/account/summary").json()["accountBalance"] == 10_000 - 9


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"msisdn": "123"}, 400),
        ({"msisdn": None}, 400),
        ({"content": ""}, 400),
        ({"bulkVariant": "GOLD"}, 400),
        ({"sender": "Żabka"}, 400),
        ({"bulkVariant": "FULL", "sender": "ACME"}, 400),
        ({"msisdn": "421900123456"}, 400),  # foreign number on a domestic variant
    ],
)
def test_single_message_validation(api, overrides, status):
    assert _single(api, **overrides).status_code == status


def test_single_message_to_a_blacklisted_number_is_refused(api):
    api.post("blacklist/add", params={"country": "POLAND"}, json=["48123123123"])
    response = _single(api)
    assert response.status_code == 400 and response.json()["code"] == "BLACKLISTED"


def test_single_messages_overview(sandbox, api):
    ids = [_single(api, content=f"m{i}").json()["id"] for i in range(3)]
    page = api.get("overview/singlemessages", params={"page": 0, "size": 2}).json()
    assert (page["totalElements"], page["totalPages"], [m["id"] for m in page["content"]]) == (3, 2, ids[:2])
    window = api.get("overview/singlemessages", params={"startDate": "2099-01-01T00:00:00+00:00"}).json()
    assert window["totalElements"] == 0
    assert api.get("overview/singlemessages", params={"endDate": "not-a-date"}).status_code == 400


def test_send_stats_and_sum(sandbox, api):
    api.post("sender/bulk/send", json=bulk_body())
    api.post("sender/bulk/send", json=bulk_body(bulkVariant="PRO", sender="ACME", recipients=[{"msisdn": "48500100209"}]))
    _single(api)
    sandbox.advance(10)
    stats = api.get("overview/send-stats", params=RANGE).json()
    by_variant = {row["bulkVariant"]: row for row in stats["content"]}
    assert stats["totalElements"] == 2
    assert (by_variant["ECO"]["recipientsCount"], by_variant["PRO"]["recipientsCount"]) == (2, 2)
    assert by_variant["PRO"]["bulkCount"] == 2 and by_variant["PRO"]["chargedPoints"] == 18
    assert by_variant["ECO"]["sentCount"] == 2
    total = api.get("overview/send-stats/sum", params=RANGE).json()
    assert (total["recipientsCount"], total["sentCount"], total["chargedPoints"]) == (4, 4, 32)
    assert total["deliveredCount"] + total["undeliveredCount"] + total["expiredCount"] == 4
    eco = api.get("overview/send-stats/sum", params={**RANGE, "bulkVariant": "ECO"}).json()
    assert eco["recipientsCount"] == 2
    for path in ("overview/send-stats", "overview/send-stats/sum"):
        assert api.get(path, params={"fromDate": RANGE["fromDate"]}).status_code == 400
        assert api.get(path, params={**RANGE, "bulkVariant": "SMOKE"}).status_code == 400


def test_user_history(sandbox, api):
    api.post("sender/bulk/send", json=bulk_body(name="first", recipients=[{"msisdn": "48500100200"}]))
    api.post("sender/bulk/send", json=bulk_body(name="other", recipients=[{"msisdn": "48500100201"}]))
    _single(api, msisdn="48500100200", content="Direct")
    sandbox.advance(10)
    history = api.get("overview/user-history", params={**RANGE, "msisdn": "48500100200"}).json()
    assert history["totalElements"] == 2
    assert {(h["type"], h["content"]) for h in history["content"]} == {("BULK", "Hello from Justsend"), ("SINGLE", "Direct")}
    assert all(h["acknowledgeStatus"] in {"DELIVERED", "UNDELIVERED", "EXPIRED"} for h in history["content"])
    pro = api.get("overview/user-history", params={**RANGE, "msisdn": "48500100200", "bulkVariant": "PRO"}).json()
    assert [h["type"] for h in pro["content"]] == ["SINGLE"]
    assert api.get("overview/user-history", params=RANGE).status_code == 400
    assert api.get("overview/user-history", params={"msisdn": "48500100200"}).status_code == 400


def test_keyword_responses_list_incoming_messages(sandbox, api):
    sandbox.incoming(msisdn="48500100200", message="SKLEP tak", prefix="SKLEP", email="moj@sklep.pl",
                     responseMessage="Dziękujemy")
    sandbox.incoming(msisdn="48500100201", message="INNE", prefix="INNE")
    everything = api.get("overview/keyword-response", params={"platformType": "PL"}).json()
    assert everything["totalElements"] == 2
    shop = api.get("overview/keyword-response", params={"platformType": "PL", "keyword": "sklep",
                                                        "email": "sklep"}).json()
    assert [(r["msisdn"], r["responseMessage"]) for r in shop["content"]] == [("48500100200", "Dziękujemy")]
    assert api.get("overview/keyword-response").status_code == 400
    assert api.get("overview/keyword-response", params={"platformType": "XX"}).status_code == 400
