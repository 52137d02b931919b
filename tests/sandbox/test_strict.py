"""What the manual does not allow, the sandbox refuses (or, for recipients, leaves out and lists)."""

import io
import json
import uuid

import pytest

from .conftest import bulk_body

GROUP = {"name": "G", "groupType": "LOCAL", "country": "POLAND"}
DATES = {"fromDate": "2000-01-01T00:00:00Z", "toDate": "2100-01-01T00:00:00Z"}
PRICES = {"ECO": 7, "FULL": 8, "PRO": 9, "ECO_RESP": 9, "PRO_RESP": 9, "INTER": 35}


def _upload(api, request: dict, csv_bytes: bytes):
    return api.post("upload/bulk", files={"request": ("blob", json.dumps(request), "application/json"),
                                          "file": ("list.csv", io.BytesIO(csv_bytes), "text/csv")})


def _invalid(api, bulk_id: str) -> dict[str, str]:
    rows = api.get(f"overview/bulks/{bulk_id}/invalid-recipients").json()["content"]
    return {row["msisdn"]: row["reason"] for row in rows}


# -- sendDate (3.1, 3.2) ----------------------------------------------------------------------

@pytest.mark.parametrize("send_date", [None, "", "  "])
def test_a_bulk_without_send_date_is_refused(api, send_date):
    body = bulk_body(sendDate=send_date)
    if send_date is None:
        del body["sendDate"]
    response = api.post("sender/bulk/send", json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "Field 'sendDate' is required"
    request = {k: v for k, v in body.items() if k != "recipients"}
    uploaded = _upload(api, request, b"48500100200\n")
    assert (uploaded.status_code, uploaded.json()["message"]) == (400, "Field 'sendDate' is required")
    assert api.get("overview/bulks").json()["totalElements"] == 0


def test_a_single_message_needs_no_send_date(api):
    # 9.2's request is {sender, msisdn, bulkVariant, content}; sendDate appears only in the
    # description copied from 3.1 (with name, groupIds and recipients a single message has not).
    response = api.post("sender/singlemessage/send", json={"msisdn": "48500100200", "bulkVariant": "ECO",
                                                           "content": "Hi"})
    assert response.status_code == 201, response.text


# -- groups (4.8, 4.9) ------------------------------------------------------------------------

@pytest.mark.parametrize("missing", ["country", "groupType"])
def test_a_group_is_not_created_without_country_or_type(api, missing):
    body = {k: v for k, v in GROUP.items() if k != missing}
    response = api.post("groups", json=body)
    assert (response.status_code, response.json()["message"]) == (400, f"Field '{missing}' is required")
    assert api.post("groups", json={**GROUP, missing: None}).status_code == 400
    assert api.get("groups/batch").json()["totalElements"] == 0


def test_a_group_update_changes_only_what_it_sends(api):
    group = api.post("groups", json={**GROUP, "country": "AUSTRIA"}).json()
    renamed = api.put("groups", json={"id": group["id"], "name": "Renamed"})
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["country"]) == ("Renamed", "AUSTRIA")


# -- sortField (3.3: "one of the available fields of the [listed] object") -------------------

LISTS = [
    ("groups/batch", {}, "ownerId"),
    ("groups/search", {"msisdn": "48500100200"}, "memberCount"),
    ("group-members/{group}", {}, "address"),
    ("group-members/{group}/search", {"msisdn": "485"}, "surname"),
    ("upload/bulk/descriptors", {}, "createdAt"),
    ("upload/bulk/descriptors", {}, "createDate"),  # the manual's own example
    ("payment/transaction", {"startDate": DATES["fromDate"], "endDate": DATES["toDate"]}, "amountInPoints"),
    ("overview/bulks", {}, "recipientsCount"),
    ("overview/bulks/{bulk}/invalid-recipients", {}, "reason"),
    ("overview/keyword-response", {"platformType": "PL"}, "responseMessage"),
    ("overview/send-stats", DATES, "sendDate"),
    ("overview/singlemessages", {}, "acknowledgeStatus"),
    ("overview/user-history", {**DATES, "msisdn": "48500100200"}, "deliveryDate"),
    ("blacklist/get", {}, "msisdn"),
]


@pytest.mark.parametrize(("path", "params", "field"), LISTS, ids=[f"{p}-{f}" for p, _, f in LISTS])
def test_sort_field_must_be_a_field_of_the_listed_record(api, path, params, field):
    group = api.post("groups", json=GROUP).json()["id"]
    bulk = api.post("sender/bulk/send", json=bulk_body()).json()["id"]
    url = path.format(group=group, bulk=bulk)

    assert api.get(url, params={**params, "sortField": field, "sortDirection": "DESC"}).status_code == 200
    for wrong in ("2", "nope", "created_at"):  # "2": the blacklist example of 10.2
        refused = api.get(url, params={**params, "sortField": wrong})
        assert refused.status_code == 400, (url, wrong)
        assert f"sortField '{wrong}' is not a field of" in refused.json()["message"]


@pytest.mark.parametrize(("path", "params"), [("overview/keyword-response", {"platformType": "PL"}),
                                              ("groups/batch", {}), ("blacklist/get", {})])
def test_create_date_is_not_a_field_of_keyword_responses_groups_or_blacklist_entries(api, path, params):
    assert api.get(path, params={**params, "sortField": "createDate"}).status_code == 400


def test_keyword_responses_without_sort_field_come_newest_first(sandbox, api):
    sandbox.incoming(msisdn="48500100200", message="A", prefix="A")
    sandbox.advance(1)
    sandbox.incoming(msisdn="48500100201", message="B", prefix="B")
    page = api.get("overview/keyword-response", params={"platformType": "PL"}).json()
    assert [r["keyword"] for r in page["content"]] == ["B", "A"]


# -- FULL headings (3.1) and Mail2SMS senderOverride (5.2.1) -----------------------------------

@pytest.mark.parametrize("sender", ["MYBRAND", "information", "Special Offer", None])
def test_full_sender_is_one_of_the_ten_headings_as_written(api, sender):
    response = api.post("sender/bulk/send", json=bulk_body(bulkVariant="FULL", sender=sender))
    assert response.status_code == 400
    assert "must be one of the headings" in response.json()["message"]
    assert api.post("sender/bulk/send", json=bulk_body(bulkVariant="FULL", sender="SPECIAL OFFER")).status_code == 201


def test_a_full_mail2sms_code_takes_only_a_heading(api):
    refused = api.post("mail2sms/config/auth-codes", json={"senderOverride": "MYBRAND", "bulkVariant": "FULL"})
    assert refused.status_code == 400 and "senderOverride" in refused.json()["message"]
    assert api.post("mail2sms/config/auth-codes", json={"bulkVariant": "FULL"}).status_code == 400
    code = api.post("mail2sms/config/auth-codes", json={"senderOverride": "NEWS", "bulkVariant": "FULL"})
    assert code.status_code == 201
    pro = api.post("mail2sms/config/auth-codes", json={"senderOverride": "MYBRAND", "bulkVariant": "PRO"}).json()
    switched = api.put(f"mail2sms/config/auth-codes/{pro['id']}", json={"bulkVariant": "FULL"})
    assert switched.status_code == 400  # its MYBRAND is no heading
    assert api.put(f"mail2sms/config/auth-codes/{pro['id']}",
                   json={"bulkVariant": "FULL", "senderOverride": "OFFER"}).status_code == 200


# -- who a variant reaches (3.1.1, 3.1.2, 8.3) -------------------------------------------------

@pytest.mark.parametrize("variant", ["ECO", "FULL", "PRO", "ECO_RESP", "PRO_RESP"])
def test_domestic_variants_leave_foreign_numbers_out_uncharged_and_listed(api, variant):
    sender = {"FULL": "INFO", "PRO": "ACME", "PRO_RESP": "ACME"}.get(variant)
    recipients = [{"msisdn": "48500100200"}, {"msisdn": "421900123456"}, {"msisdn": "4915112345678"}]
    response = api.post("sender/bulk/send", json=bulk_body(bulkVariant=variant, sender=sender, recipients=recipients))
    assert response.status_code == 201, response.text
    bulk = api.get(f"overview/bulks/{response.json()['id']}").json()
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["chargedPoints"]) == (1, 2, PRICES[variant])
    assert _invalid(api, bulk["uuid"]) == {"421900123456": "FOREIGN_NUMBER", "4915112345678": "FOREIGN_NUMBER"}


def test_a_domestic_variant_to_foreign_numbers_only_is_refused(api):
    response = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": "421900123456"}]))
    assert (response.status_code, response.json()["code"]) == (400, "NO_RECIPIENTS")


INTER = {"bulkVariant": "INTER", "sender": "ACME", "bulkProperties": {"country": "SLOVAKIA"}}
MIXED = ["421900123456", "420601123456", "48500100200", "421900123457"]


def test_inter_reaches_only_numbers_of_its_country(api):
    before = api.get("payment/account/summary").json()["accountBalance"]
    response = api.post("sender/bulk/send", json=bulk_body(**INTER, recipients=[{"msisdn": m} for m in MIXED]))
    assert response.status_code == 201, response.text
    bulk = api.get(f"overview/bulks/{response.json()['id']}").json()
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["chargedPoints"]) == (2, 2, 2 * 35)
    assert api.get("payment/account/summary").json()["accountBalance"] == before - 2 * 35
    assert _invalid(api, bulk["uuid"]) == {"420601123456": "OUTSIDE_COUNTRY", "48500100200": "OUTSIDE_COUNTRY"}


def test_inter_by_group_and_by_file_leaves_out_other_countries_too(api):
    group = api.post("groups", json={"name": "Mixed", "groupType": "INTERNATIONAL", "country": "SLOVAKIA"}).json()
    api.post("group-members/batch-add", params={"groupId": group["id"]}, json=MIXED)
    by_group = api.post("sender/bulk/send", json=bulk_body(**INTER, recipients=None, groupIds=[group["id"]])).json()
    bulk = api.get(f"overview/bulks/{by_group['id']}").json()
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"]) == (2, 2)
    assert set(_invalid(api, bulk["uuid"]).values()) == {"OUTSIDE_COUNTRY"}

    request = {k: v for k, v in bulk_body(**INTER, bulkType="PERSONALIZED").items() if k != "recipients"}
    by_file = _upload(api, request, "".join(f"{m};Ahoj\n" for m in MIXED).encode())
    assert by_file.status_code == 201, by_file.text
    bulk = api.get(f"overview/bulks/{by_file.json()['id']}").json()
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["chargedPoints"]) == (2, 2, 2 * 35)
    assert _invalid(api, bulk["uuid"]) == {"420601123456": "OUTSIDE_COUNTRY", "48500100200": "OUTSIDE_COUNTRY"}


def test_a_single_inter_message_outside_its_country_is_refused(api):
    response = api.post("sender/singlemessage/send", json={
        "msisdn": "48500100200", "bulkVariant": "INTER", "sender": "ACME", "content": "Hi",
        "bulkProperties": {"country": "SLOVAKIA"}})
    assert (response.status_code, response.json()["code"]) == (400, "OUTSIDE_COUNTRY")
    assert api.get(f"overview/bulks/{uuid.uuid4()}").status_code == 404
