import uuid

import pytest

from .conftest import RECIPIENTS, bulk_body, numbers

ALL_TIME = {"startDate": "2000-01-01T00:00:00+00:00", "endDate": "2100-01-01T00:00:00+00:00"}


def _bulk(api, bulk_id):
    response = api.get(f"overview/bulks/{bulk_id}")
    assert response.status_code == 200
    return response.json()


def _balance(api):
    return api.get("payment/account/summary").json()["accountBalance"]


@pytest.mark.parametrize(
    ("overrides", "segments"),
    [
        ({}, 2),
        ({"bulkVariant": "FULL", "sender": "INFORMATION"}, 2),
        ({"bulkVariant": "PRO", "sender": "ACME Shop"}, 2),
        ({"bulkVariant": "ECO_RESP"}, 2),
        ({"bulkVariant": "PRO_RESP", "sender": "ACME"}, 2),
        ({"bulkVariant": "INTER", "sender": "ACME", "bulkProperties": {"country": "SLOVAKIA"},
          "recipients": [{"msisdn": "421900123456"}, {"msisdn": "421900123457"}]}, 2),
        ({"bulkType": "PERSONALIZED", "recipients": [{"msisdn": "48500100200", "content": "Hi John"},
                                                     {"msisdn": "48500100201", "content": "Hi Anna " + "x" * 160}]}, 3),
        ({"bulkType": "PARAMETRIZED", "message": "Hi $1, code $2",
          "recipients": [{"msisdn": "48500100200", "params": ["John", "1234"]}, {"msisdn": "48500100201"}]}, 2),
    ],
)
def test_bulk_send_happy_paths_charge_price_times_segments(api, overrides, segments):
    before = _balance(api)
    response = api.post("sender/bulk/send", json=bulk_body(**overrides))
    assert response.status_code == 201, response.text
    bulk = _bulk(api, str(uuid.UUID(response.json()["id"])))
    variant = overrides.get("bulkVariant", "ECO")
    price = {"ECO": 7, "FULL": 8, "PRO": 9, "ECO_RESP": 9, "PRO_RESP": 9, "INTER": 35}[variant]
    assert bulk["bulkStatus"] == "TO_SEND"
    assert bulk["totalMessageCount"] == segments
    assert bulk["chargedPoints"] == price * segments
    assert _balance(api) == before - price * segments


def test_parametrized_and_personalized_texts_are_rendered(api):
    bulk_id = api.post("sender/bulk/send", json=bulk_body(
        bulkType="PARAMETRIZED", message="Hi $1, code $2",
        recipients=[{"msisdn": "48500100200", "params": ["John", "1234"]}])).json()["id"]
    history = api.get("overview/user-history", params={
        "msisdn": "48500100200", "fromDate": ALL_TIME["startDate"], "toDate": ALL_TIME["endDate"]}).json()
    assert [h["content"] for h in history["content"]] == ["Hi John, code 1234"]
    assert _bulk(api, bulk_id)["bulkType"] == "PARAMETRIZED"


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"bulkVariant": "CHEAP"}, "bulkVariant"),
        ({"bulkType": "WEIRD"}, "bulkType"),
        ({"name": ""}, "name"),
        ({"message": ""}, "message"),
        ({"bulkVariant": "FULL", "sender": "ACME"}, "heading"),
        ({"bulkVariant": "PRO"}, "sender"),
        ({"bulkVariant": "PRO", "sender": "TOOLONGSENDER"}, "11"),
        ({"bulkVariant": "PRO", "sender": "Łódź"}, "Polish"),
        ({"bulkVariant": "PRO", "sender": "48123123123"}, "phone number"),
        ({"bulkType": "PERSONALIZED", "recipients": [{"msisdn": "48500100200"}]}, "content"),
        ({"bulkVariant": "INTER", "sender": "ACME"}, "country"),
        ({"bulkVariant": "INTER", "sender": "ACME", "bulkProperties": {"country": "MARS"}}, "country"),
        ({"bulkVariant": "VOICE"}, "voiceConfig"),
        ({"bulkVariant": "VOICE", "bulkProperties": {"voiceConfig": {
            "pause": 11, "minPeriod": 1, "maxPeriod": 2, "maxCount": 1}}}, "pause"),
        ({"bulkVariant": "VOICE", "bulkProperties": {"voiceConfig": {
            "pause": 1, "minPeriod": 5, "maxPeriod": 2, "maxCount": 1}}}, "minPeriod"),
        ({"bulkVariant": "VOICE", "bulkProperties": {"voiceConfig": {
            "pause": 1, "minPeriod": 1, "maxPeriod": 2, "maxCount": -1}}}, "maxCount"),
        ({"recipients": None}, "recipients"),
        ({"recipients": [{"msisdn": "123"}, {"msisdn": "+48500100200"}]}, "No valid recipients"),
        ({"sendDate": "tomorrow"}, "sendDate"),
        ({"groupIds": [999]}, "999"),
    ],
)
def test_bulk_send_validation_errors(api, overrides, fragment):
    before = _balance(api)
    response = api.post("sender/bulk/send", json=bulk_body(**overrides))
    assert response.status_code == 400, response.text
    assert fragment in response.json()["message"]
    assert _balance(api) == before
    assert api.get("overview/bulks").json()["totalElements"] == 0


def test_malformed_json_is_400(api):
    response = api.post("sender/bulk/send", content=b"{'name': 'x'}", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


def test_voice_clamps_max_count_and_charges_per_call(api):
    config = {"pause": 1, "maxDtmf": 0, "maxCount": 9, "maxPeriod": 2, "minPeriod": 1, "repeatDtmf": "0",
              "voiceLanguage": "POLISH", "voiceRepeating": False}
    response = api.post("sender/bulk/send", json=bulk_body(
        bulkVariant="VOICE", sender="JUSTSEND", message="x" * 400, bulkProperties={"voiceConfig": config}))
    assert response.status_code == 201, response.text
    bulk = _bulk(api, response.json()["id"])
    assert bulk["bulkProperties"]["voiceConfig"]["maxCount"] == 4
    assert bulk["bulkProperties"]["voiceConfig"]["repeatDtmf"] is False
    assert bulk["chargedPoints"] == 15 * 2


def test_ucs2_and_extension_characters_cost_more_segments(api):
    gsm = api.post("sender/bulk/send", json=bulk_body(message="a" * 160)).json()["id"]
    extended = api.post("sender/bulk/send", json=bulk_body(message="a" * 159 + "€")).json()["id"]
    ucs2 = api.post("sender/bulk/send", json=bulk_body(message="Zażółć gęślą jaźń " + "a" * 60)).json()["id"]
    assert [_bulk(api, b)["totalMessageCount"] for b in (gsm, extended, ucs2)] == [2, 4, 4]
    assert _bulk(api, ucs2)["chargedPoints"] == 4 * 7


def test_insufficient_funds_refuses_the_bulk(sandbox, api):
    sandbox.set_balance(balance=10, promo=3)
    response = api.post("sender/bulk/send", json=bulk_body())  # 2 x 7 = 14 > 13
    assert response.status_code == 400
    assert response.json()["code"] == "INSUFFICIENT_FUNDS"
    assert "Insufficient funds" in response.json()["message"]
    assert api.get("overview/bulks").json()["totalElements"] == 0
    sandbox.set_balance(balance=11)
    assert api.post("sender/bulk/send", json=bulk_body()).status_code == 201
    summary = api.get("payment/account/summary").json()
    assert (summary["accountBalance"], summary["promoPoints"]) == (0, 0)  # promo points go first


def test_charges_and_refunds_are_transactions(sandbox, api):
    bulk_id = api.post("sender/bulk/send", json=bulk_body(sendDate="2099-01-01T10:00:00+02:00")).json()["id"]
    assert api.delete(f"sender/bulk/{bulk_id}").status_code == 200
    rows = api.get("payment/transaction", params={**ALL_TIME, "sortField": "id"}).json()["content"]
    assert [(r["transactionType"], r["amountInPoints"], r["paymentMethod"]) for r in rows] == [
        ("BULK_PAYMENT", -14, "POINTS"), ("BULK_REFUND", 14, "POINTS")]
    assert rows[0]["bulkId"] == _bulk(api, bulk_id)["id"]
    assert rows[1]["accountBalanceInPoints"] == 10_000


def test_lifecycle_with_the_manual_clock(sandbox, api):
    bulk_id = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": n} for n in numbers(10)])).json()["id"]
    sandbox.advance(0.5)
    assert _bulk(api, bulk_id)["bulkStatus"] == "TO_SEND"
    sandbox.advance(0.5)  # start_after = 1 s
    assert _bulk(api, bulk_id)["bulkStatus"] == "IN_PROGRESS"
    sandbox.advance(1)  # half of send_duration = 2 s
    bulk = _bulk(api, bulk_id)
    assert (bulk["sentCount"], bulk["notSentCount"]) == (5, 5)
    sandbox.advance(1)
    bulk = _bulk(api, bulk_id)
    assert bulk["sentCount"] == 10 and bulk["bulkStatus"] == "IN_PROGRESS"
    assert bulk["deliveredCount"] + bulk["undeliveredCount"] + bulk["expiredCount"] == 5  # delivery_after = 1 s
    sandbox.advance(1)
    bulk = _bulk(api, bulk_id)
    assert bulk["bulkStatus"] == "FINISHED"
    assert bulk["deliveredCount"] + bulk["undeliveredCount"] + bulk["expiredCount"] == 10
    assert bulk["sentUnconfirmedCount"] == 0 and bulk["sendEndDate"] is not None


def test_a_future_send_date_waits_until_due(sandbox, api):
    future = api.post("sender/bulk/send", json=bulk_body(name="later", sendDate="2099-01-01T10:00:00+02:00")).json()["id"]
    now = api.post("sender/bulk/send", json=bulk_body(name="now")).json()["id"]
    sandbox.advance(3600)
    assert _bulk(api, now)["bulkStatus"] == "FINISHED"
    assert _bulk(api, future)["bulkStatus"] == "TO_SEND"
    assert _bulk(api, future)["sendDate"].startswith("2099-01-01T08:00:00")


def test_cancel_statuses_and_refund(sandbox, api):
    bulk_id = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": n} for n in numbers(4)])).json()["id"]
    before_cancel = _balance(api)
    sandbox.advance(2)  # started at 1 s, 2 of 4 sent at 2 s
    response = api.delete(f"sender/bulk/{bulk_id}")
    assert response.status_code == 200
    assert response.json() == "Bulk process cancelled successfully"
    bulk = _bulk(api, bulk_id)
    assert (bulk["bulkStatus"], bulk["sentCount"], bulk["cancelledCount"]) == ("CANCELED", 2, 2)
    assert _balance(api) == before_cancel + 2 * 7
    assert bulk["chargedPoints"] == 2 * 7
    assert api.delete(f"sender/bulk/{bulk_id}").status_code == 409
    sandbox.advance(5)  # messages already sent still get their reports
    bulk = _bulk(api, bulk_id)
    assert bulk["deliveredCount"] + bulk["undeliveredCount"] + bulk["expiredCount"] == 2


def test_cancel_errors(sandbox, api):
    finished = api.post("sender/bulk/send", json=bulk_body()).json()["id"]
    sandbox.advance(10)
    conflict = api.delete(f"sender/bulk/{finished}")
    assert conflict.status_code == 409 and conflict.json()["message"] == "Bulk cannot be cancelled"
    missing = api.delete(f"sender/bulk/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["message"] == "Bulk not found"
    assert api.delete("sender/bulk/not-a-uuid").status_code == 400


def test_blacklisted_invalid_and_foreign_numbers_are_skipped_and_reported(sandbox, api):
    api.post("blacklist/add", params={"country": "POLAND"}, json=["48500100201"])
    recipients = [{"msisdn": m} for m in ("48500100200", "48500100201", "48 500", "4812", "421900123456", "48500100200")]
    bulk_id = api.post("sender/bulk/send", json=bulk_body(recipients=recipients)).json()["id"]
    bulk = _bulk(api, bulk_id)
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["duplicateRecipientsCount"]) == (1, 4, 1)
    assert bulk["chargedPoints"] == 7
    invalid = api.get(f"overview/bulks/{bulk_id}/invalid-recipients", params={"userId": 1}).json()
    assert invalid["totalElements"] == 4
    assert {(i["msisdn"], i["reason"]) for i in invalid["content"]} == {
        ("48500100201", "BLACKLISTED"), ("48 500", "INVALID_MSISDN"), ("4812", "INVALID_MSISDN"),
        ("421900123456", "FOREIGN_NUMBER")}
    assert api.get(f"overview/bulks/{uuid.uuid4()}/invalid-recipients").status_code == 404


def test_group_recipients_are_taken_from_sandbox_groups(sandbox, api):
    group_id = api.post("groups", json={"name": "Audience", "groupType": "LOCAL", "country": "POLAND"}).json()["id"]
    api.post("group-members/batch-add", params={"groupId": group_id}, json=numbers(5))
    api.post("blacklist/add", params={"country": "POLAND"}, json=[numbers(5)[0]])
    response = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": numbers(5)[1]}], groupIds=[group_id]))
    assert response.status_code == 201, response.text
    bulk = _bulk(api, response.json()["id"])
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["duplicateRecipientsCount"]) == (4, 1, 1)
    assert bulk["chargedPoints"] == 4 * 7
    only_groups = api.post("sender/bulk/send", json=bulk_body(recipients=None, groupIds=str(group_id)))
    assert only_groups.status_code == 201


def test_overview_bulks_filters_and_pages(sandbox, api):
    ids = [api.post("sender/bulk/send", json=bulk_body(name=f"campaign-{i}")).json()["id"] for i in range(5)]
    api.delete(f"sender/bulk/{ids[0]}")
    by_name = api.get("overview/bulks", params={"name": "campaign-3"}).json()
    assert [b["uuid"] for b in by_name["content"]] == [ids[3]]
    page = api.get("overview/bulks", params={"page": 1, "size": 2, "sortField": "createDate", "sortDirection": "ASC"}).json()
    assert (page["totalElements"], page["totalPages"]) == (5, 3)
    assert [b["uuid"] for b in page["content"]] == ids[2:4]
    cancelled = api.get("overview/bulks", params={"bulkStatus": "CANCELED"}).json()
    assert [b["uuid"] for b in cancelled["content"]] == [ids[0]]
    both = api.get("overview/bulks", params=[("bulkStatus", "CANCELED"), ("bulkStatus", "TO_SEND")]).json()
    assert both["totalElements"] == 5
    assert api.get("overview/bulks", params={"bulkStatus": "NOPE"}).status_code == 400
    assert api.get("overview/bulks", params={"fromDate": "2099-01-01T00:00:00+00:00"}).json()["totalElements"] == 0
    assert api.get("overview/bulks", params={"fromDate": "yesterday"}).status_code == 400
    assert api.get(f"overview/bulks/{uuid.uuid4()}").status_code == 404
    assert api.get("overview/bulks/xyz").status_code == 400


def test_recipients_from_the_manual_example_with_spaces_are_accepted(api):
    response = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": " 48123123123"}], groupIds=" "))
    assert response.status_code == 201
    assert _bulk(api, response.json()["id"])["recipientsCount"] == len(RECIPIENTS) - 1


@pytest.mark.parametrize("country", ["CZECHIA", "CZECH REPUBLIC"])
def test_inter_takes_both_spellings_of_czechia(api, country):
    response = api.post("sender/bulk/send", json=bulk_body(
        bulkVariant="INTER", sender="ACME", bulkProperties={"country": country}, recipients=[{"msisdn": "420601123456"}]))
    assert response.status_code == 201, response.text
    assert _bulk(api, response.json()["id"])["country"] == country


def test_invalid_recipients_come_whole_unless_a_page_is_asked(api):
    recipients = [{"msisdn": "48500100200"}] + [{"msisdn": str(4812000 + i)} for i in range(40)]
    bulk_id = api.post("sender/bulk/send", json=bulk_body(recipients=recipients)).json()["id"]
    whole = api.get(f"overview/bulks/{bulk_id}/invalid-recipients", params={"userId": 1001}).json()
    assert (len(whole["content"]), whole["totalElements"], whole["totalPages"]) == (40, 40, 1)
    second = api.get(f"overview/bulks/{bulk_id}/invalid-recipients", params={"page": 1}).json()
    assert (len(second["content"]), second["totalPages"], second["size"]) == (15, 2, 25)


@pytest.mark.parametrize("config", [{}, {"pause": 2}, {"maxCount": 7, "repeatDtmf": True}])
def test_voice_config_fields_are_each_optional(api, config):
    response = api.post("sender/bulk/send", json=bulk_body(
        bulkVariant="VOICE", sender="JUSTSEND", bulkProperties={"voiceConfig": config}))
    assert response.status_code == 201, response.text
    stored = _bulk(api, response.json()["id"])["bulkProperties"]["voiceConfig"]
    assert stored.get("maxCount") == (4 if "maxCount" in config else None)
    assert stored.get("pause") == config.get("pause")
