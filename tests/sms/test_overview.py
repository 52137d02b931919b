"""Manual sections 8, 9, 10: history and statistics, single messages, blacklist."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from justsend_panel.sms.exceptions import SmsBadResponse
from justsend_panel.sms.justsend.types import (
    BulkStatus,
    BulkType,
    BulkVariant,
    Country,
    PlatformType,
    SortDirection,
)

from .conftest import page_body, sent_json, sent_params

PLUS_ONE = timezone(timedelta(hours=1))
FROM = datetime(2025, 2, 12, 13, 10, 10, tzinfo=PLUS_ONE)
TO = datetime(2025, 2, 15, 13, 10, 10, tzinfo=PLUS_ONE)

DETAILS = {
    "id": 11,
    "userId": 3,
    "name": "Promo",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "bulkType": "STANDARD",
    "bulkVariant": "ECO",
    "bulkStatus": "IN_PROGRESS",
    "sender": "4777",
    "message": "Hello",
    "chargedPoints": 14,
    "sendDate": "2026-01-20T13:04:48.305Z",
    "sendEndDate": None,
    "createDate": "2026-01-20T13:00:00Z",
    "totalMessageCount": 2,
    "recipientsCount": 2,
    "sentCount": 2,
    "deliveredCount": 1,
    "sentUnconfirmedCount": 0,
    "undeliveredCount": 1,
    "notSentCount": 0,
    "pointsPerSms": 7,
    "cost": 0.7,
    "currency": "PLN",
    "bulkCostInPoints": 14,
    "bulkInsufficientPoints": 0,
    "bulkInsufficientCost": {"amount": 0, "currency": "PLN"},
}


def test_list_bulks_sends_all_filters_with_repeated_status(api, client):
    route = api.get("/overview/bulks").respond(json=page_body([DETAILS]))

    page = client.list_bulks(
        show_slave=True,
        from_date=FROM,
        to_date=TO,
        bulk_statuses=[BulkStatus.PAID, BulkStatus.HOLD_SMISHING],
        page=0,
        size=10,
        sort_field="createDate",
        sort_direction=SortDirection.ASC,
    )

    assert sent_params(route) == {
        "showSlave": ["true"],
        "fromDate": ["2025-02-12T13:10:10+01:00"],
        "toDate": ["2025-02-15T13:10:10+01:00"],
        "bulkStatus": ["PAID", "HOLD_SMISHING"],
        "page": ["0"],
        "size": ["10"],
        "sortField": ["createDate"],
        "sortDirection": ["ASC"],
    }
    [bulk] = page.content
    assert (bulk.uuid, bulk.bulk_status, bulk.bulk_variant, bulk.bulk_type) == (
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        BulkStatus.IN_PROGRESS,
        BulkVariant.ECO,
        BulkType.STANDARD,
    )


def test_list_bulks_without_filters_sends_only_the_page(api, client):
    route = api.get("/overview/bulks").respond(json=page_body([]))
    page = client.list_bulks()
    assert sent_params(route) == {"page": ["0"]}
    assert page.content == [] and page.is_last


def test_list_bulks_sends_the_name_filter_when_given(api, client):
    route = api.get("/overview/bulks").respond(json=page_body([DETAILS]))
    client.list_bulks(name="campaign-42 2026-01-12", size=1)
    assert sent_params(route) == {"name": ["campaign-42 2026-01-12"], "page": ["0"], "size": ["1"]}


def test_get_bulk_details(api, client):
    route = api.get("/overview/bulks/3fa85f64-5717-4562-b3fc-2c963f66afa6").respond(json=DETAILS)
    details = client.get_bulk(uuid="3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert route.called
    assert details.bulk.name == "Promo"
    assert details.bulk.send_date == datetime(2026, 1, 20, 13, 4, 48, 305000, tzinfo=UTC)
    assert (details.counts.delivered, details.counts.undelivered, details.counts.recipients) == (1, 1, 2)
    assert details.cost.amount == Decimal("0.7") and details.cost.currency == "PLN"
    assert details.send_end_date is None
    assert details.raw["bulkInsufficientCost"] == {"amount": 0, "currency": "PLN"}


@pytest.mark.parametrize(
    "answer",
    [
        [{"msisdn": "48000", "reason": "INVALID_FORMAT"}, "48111"],
        {"content": [{"msisdn": "48000", "reason": "INVALID_FORMAT"}, "48111"], "totalPages": 1},
        {"invalidRecipients": [{"msisdn": "48000", "reason": "INVALID_FORMAT"}, "48111"]},
    ],
    ids=["array", "page", "wrapped"],
)
def test_invalid_recipients_in_any_plausible_shape(api, client, answer):
    route = api.get("/overview/bulks/b-1/invalid-recipients").respond(json=answer)
    recipients = client.list_invalid_recipients(uuid="b-1", user_id=22)
    assert sent_params(route) == {"userId": ["22"]}
    assert [(r.msisdn, r.reason) for r in recipients] == [("48000", "INVALID_FORMAT"), ("48111", None)]


def test_keyword_responses_query(api, client):
    route = api.get("/overview/keyword-response").respond(
        json=page_body([{"keyword": "sklep", "msisdn": "48123", "responseMessage": "Thanks"}])
    )
    page = client.list_keyword_responses(
        platform_type=PlatformType.PL,
        keyword="sklep",
        email="mojsklep@gmail.com",
        from_date=FROM,
        to_date=FROM,
        show_slave=False,
    )
    assert sent_params(route) == {
        "keyword": ["sklep"],
        "email": ["mojsklep@gmail.com"],
        "platformType": ["PL"],
        "fromDate": ["2025-02-12T13:10:10+01:00"],
        "toDate": ["2025-02-12T13:10:10+01:00"],
        "showSlave": ["false"],
        "page": ["0"],
    }
    assert page.content[0].response_message == "Thanks"


def test_send_stats_and_sum(api, client):
    stats = api.get("/overview/send-stats").respond(json=page_body([{"sendDate": "2025-02-12", "sent": 3}]))
    total = api.get("/overview/send-stats/sum").respond(json={"sent": 30, "delivered": 28})

    page = client.get_send_stats(
        from_date=FROM, to_date=TO, show_slave=True, bulk_variant=BulkVariant.ECO, size=14, sort_field="sendDate",
        sort_direction=SortDirection.ASC,
    )
    summary = client.get_send_stats_sum(from_date=FROM, to_date=TO, bulk_variant=BulkVariant.FULL)

    assert sent_params(stats) == {
        "showSlave": ["true"],
        "fromDate": ["2025-02-12T13:10:10+01:00"],
        "toDate": ["2025-02-15T13:10:10+01:00"],
        "bulkVariant": ["ECO"],
        "page": ["0"],
        "size": ["14"],
        "sortDirection": ["ASC"],
        "sortField": ["sendDate"],
    }
    assert page.content[0].get("sent") == 3
    assert sent_params(total) == {
        "fromDate": ["2025-02-12T13:10:10+01:00"],
        "toDate": ["2025-02-15T13:10:10+01:00"],
        "bulkVariant": ["FULL"],
    }
    assert summary.get("delivered") == 28


def test_send_stats_sum_must_be_an_object(api, client):
    api.get("/overview/send-stats/sum").respond(json=[1, 2])
    with pytest.raises(SmsBadResponse):
        client.get_send_stats_sum(from_date=FROM, to_date=TO)


def test_single_messages_overview_uses_start_and_end_date(api, client):
    route = api.get("/overview/singlemessages").respond(
        json=page_body(
            [{"msisdn": "48123", "content": "Hi", "messageCount": 1, "acknowledgeStatus": "DELIVERED",
              "sendDate": "2026-01-20T14:17:15.605Z", "carrierId": 3}]
        )
    )
    page = client.list_single_messages(start_date=FROM, end_date=TO, show_slave=True, page=0, size=10)
    assert sent_params(route) == {
        "startDate": ["2025-02-12T13:10:10+01:00"],
        "endDate": ["2025-02-15T13:10:10+01:00"],
        "showSlave": ["true"],
        "page": ["0"],
        "size": ["10"],
    }
    assert page.content[0].acknowledge_status == "DELIVERED"
    assert page.content[0].raw["carrierId"] == 3


def test_user_history(api, client):
    route = api.get("/overview/user-history").respond(
        json=page_body([{"userId": 1, "bulkVariant": "PRO", "msisdn": "48123456789", "content": "Hi"}])
    )
    page = client.get_user_history(
        msisdn="48123456789", from_date=FROM, to_date=TO, show_slave=False, bulk_variant=BulkVariant.PRO, size=14
    )
    params = sent_params(route)
    assert params["msisdn"] == ["48123456789"]
    assert params["bulkVariant"] == ["PRO"]
    assert params["showSlave"] == ["false"]
    assert page.content[0].bulk_variant is BulkVariant.PRO


# --- single messages ---------------------------------------------------------------


def test_send_single_message(api, client):
    route = api.post("/sender/singlemessage/send").respond(201, json={"id": "23"})
    result = client.send_single_message(msisdn="48123123123", content="Hello", sender="ACME")
    assert result.id == "23"
    assert sent_json(route) == {"sender": "ACME", "msisdn": "48123123123", "bulkVariant": "ECO", "content": "Hello"}


def test_get_single_message(api, client):
    api.get("/sender/singlemessage/23").respond(
        json={
            "id": "23",
            "msisdn": "48123123123",
            "content": "Hello",
            "sender": "ACME",
            "acknowledgeStatus": "DELIVERED",
            "sendDate": "2026-01-22T14:03:32.033Z",
            "deliveryDate": "2026-01-22T14:03:35.000Z",
            "chargedPoints": 7,
            "messageCount": 1,
            "transactionValue": {"amount": 0.07, "currency": "PLN"},
        }
    )
    message = client.get_single_message(message_id="23")
    assert message.delivery_date - message.send_date == timedelta(seconds=2.967)
    assert message.transaction_value.amount == Decimal("0.07")
    assert message.charged_points == Decimal(7)


# --- blacklist ----------------------------------------------------------------------


def test_add_to_blacklist(api, client):
    route = api.post("/blacklist/add").respond(200)
    client.add_to_blacklist(country=Country.AUSTRIA, msisdns=["48123456789"], for_user_id=2)
    assert sent_params(route) == {"country": ["AUSTRIA"], "forUserId": ["2"]}
    assert sent_json(route) == ["48123456789"]


def test_list_blacklist(api, client):
    route = api.get("/blacklist/get").respond(
        json=page_body([{"id": 1, "msisdn": "48123456789", "userId": 5, "country": "POLAND"}])
    )
    page = client.list_blacklist(page=2, size=2, sort_field="msisdn", sort_direction=SortDirection.ASC)
    assert sent_params(route) == {"page": ["2"], "size": ["2"], "sortField": ["msisdn"], "sortDirection": ["ASC"]}
    assert page.content[0].country is Country.POLAND


def test_remove_from_blacklist_is_a_put(api, client):
    route = api.put("/blacklist/remove").respond(200, text="Removed")
    assert client.remove_from_blacklist(country=Country.POLAND, msisdns=["48123456789", "48987654321"]).message == "Removed"
    assert sent_params(route) == {"country": ["POLAND"]}
    assert sent_json(route) == ["48123456789", "48987654321"]
