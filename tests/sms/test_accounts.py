"""Manual sections 5, 6, 7: Mail2SMS, payments, pricing."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from justsend_panel.sms.exceptions import SmsBadResponse
from justsend_panel.sms.justsend.types import (
    BulkVariant,
    Country,
    PaymentMethod,
    PaymentProvider,
    SortDirection,
    TransactionStatus,
    VoiceConfig,
)

from .conftest import page_body, sent_json, sent_params

CODE = {
    "id": "6f1c",
    "code": "K9X2",
    "senderOverride": "MYBRAND",
    "bulkVariant": "PRO",
    "createDate": "2026-01-22T09:58:26.357922165Z",
    "updateDate": "2026-01-22T09:58:26.357922Z",
}


def test_list_auth_codes(api, client):
    api.get("/mail2sms/config/auth-codes").respond(json=[CODE, {**CODE, "id": "7a2d", "bulkVariant": "BASIC"}])
    codes = client.list_auth_codes()
    assert [c.id for c in codes] == ["6f1c", "7a2d"]
    assert codes[0].bulk_variant is BulkVariant.PRO
    assert codes[1].bulk_variant == "BASIC"
    # nanosecond precision in the sample is cut to microseconds, not rejected
    assert codes[0].create_date == datetime(2026, 1, 22, 9, 58, 26, 357922, tzinfo=UTC)


def test_create_auth_code_variants(api, client):
    route = api.post("/mail2sms/config/auth-codes").respond(201, json=CODE)

    code = client.create_auth_code(sender_override="MYBRAND", bulk_variant=BulkVariant.PRO)
    assert sent_json(route) == {"senderOverride": "MYBRAND", "bulkVariant": "PRO"}
    assert code.code == "K9X2"

    client.create_auth_code(sender_override="MYBRAND", bulk_variant=BulkVariant.INTER, country=Country.SLOVAKIA)
    assert sent_json(route)["properties"] == {"country": "SLOVAKIA"}

    voice = VoiceConfig(pause=1, max_count=1, repeat_dtmf=True, voice_language="POLISH")
    client.create_auth_code(sender_override="VOICE", bulk_variant=BulkVariant.VOICE, voice_config=voice)
    assert sent_json(route)["properties"] == {
        "voiceConfig": {"pause": 1, "maxCount": 1, "repeatDtmf": True, "voiceLanguage": "POLISH"}
    }


def test_create_inter_auth_code_needs_a_country(client):
    with pytest.raises(ValueError):
        client.create_auth_code(sender_override="X", bulk_variant=BulkVariant.INTER)


def test_update_auth_code_is_partial(api, client):
    route = api.put("/mail2sms/config/auth-codes/123e4567-e89b-12d3-a456-426614174000").respond(
        json={**CODE, "senderOverride": "NEWBRAND"}
    )
    code = client.update_auth_code(auth_code_id="123e4567-e89b-12d3-a456-426614174000", sender_override="NEWBRAND")
    assert sent_json(route) == {"senderOverride": "NEWBRAND"}
    assert code.sender_override == "NEWBRAND"


def test_delete_auth_code_and_whitelist_entry(api, client):
    codes = api.delete("/mail2sms/config/auth-codes/6f1c").respond(204)
    entries = api.delete("/mail2sms/config/whitelist/w1").respond(200)
    assert client.delete_auth_code(auth_code_id="6f1c") is None
    assert client.delete_whitelist_entry(entry_id="w1") is None
    assert codes.call_count == entries.call_count == 1


def test_list_whitelist(api, client):
    api.get("/mail2sms/config/whitelist").respond(
        json=[{"id": "w1", "email": "mojafirma@gmail.com", "createDate": "2026-01-14T13:35:04.028950Z"}]
    )
    [entry] = client.list_whitelist()
    assert (entry.id, entry.email) == ("w1", "mojafirma@gmail.com")
    assert entry.create_date == datetime(2026, 1, 14, 13, 35, 4, 28950, tzinfo=UTC)


def test_whitelist_must_be_an_array(api, client):
    api.get("/mail2sms/config/whitelist").respond(json={"id": "w1"})
    with pytest.raises(SmsBadResponse):
        client.list_whitelist()


def test_account_summary(api, client):
    api.get("/payment/account/summary").respond(
        json={
            "id": 12,
            "accountBalance": 246.00,
            "promoPoints": 350.5,
            "pricingConfigs": [
                {"bulkVariant": "PRO", "priceInPoints": 9.00},
                {"bulkVariant": "ECO", "priceInPoints": 7},
                {"bulkVariant": "HOLOGRAM", "priceInPoints": 99},
            ],
        }
    )
    summary = client.get_account_summary()
    assert summary.id == "12"
    assert summary.account_balance == Decimal("246.0")
    assert summary.promo_points == Decimal("350.5")
    assert [(p.bulk_variant, p.price_in_points) for p in summary.prices] == [
        (BulkVariant.PRO, Decimal("9.0")),
        (BulkVariant.ECO, Decimal("7")),
        ("HOLOGRAM", Decimal("99")),
    ]


def test_list_transactions_sends_every_filter(api, client):
    route = api.get("/payment/transaction").respond(
        json=page_body(
            [
                {
                    "id": 5,
                    "userId": 9,
                    "transactionDate": "2026-01-22T12:52:10.375Z",
                    "transactionValue": {"amount": 12.3, "currency": "PLN"},
                    "amountInPoints": 100,
                    "accountBalanceInPoints": 900,
                    "transactionType": "CHARGE",
                    "paymentProvider": "PAYU",
                    "paymentMethod": "TRANSFER",
                    "transactionStatus": "PENDING",
                    "transactionError": "NONE",
                    "bulkId": 77,
                    "invoice": {"invoiceNumber": "FV/1"},
                }
            ]
        )
    )
    plus_one = timezone(timedelta(hours=1))

    page = client.list_transactions(
        start_date=datetime(2025, 2, 12, 13, 10, 10, tzinfo=plus_one),
        end_date=datetime(2025, 2, 13, 13, 10, 10, tzinfo=plus_one),
        payment_provider=PaymentProvider.JUSTSEND,
        payment_method=PaymentMethod.BLIK,
        transaction_status=TransactionStatus.SUCCESS,
        search="abc",
        page=0,
        size=25,
        sort_field="transactionDate",
        sort_direction=SortDirection.DESC,
    )

    assert sent_params(route) == {
        "paymentProvider": ["JUSTSEND"],
        "paymentMethod": ["BLIK"],
        "transactionStatus": ["SUCCESS"],
        "startDate": ["2025-02-12T13:10:10+01:00"],
        "endDate": ["2025-02-13T13:10:10+01:00"],
        "search": ["abc"],
        "page": ["0"],
        "size": ["25"],
        "sortField": ["transactionDate"],
        "sortDirection": ["DESC"],
    }
    assert b"startDate=2025-02-12T13%3A10%3A10%2B01%3A00" in route.calls.last.request.url.query
    [tx] = page.content
    assert tx.value.amount == Decimal("12.3") and tx.value.currency == "PLN"
    assert tx.payment_provider is PaymentProvider.PAYU
    assert tx.transaction_status is TransactionStatus.PENDING
    assert tx.bulk_id == "77"
    assert tx.raw["invoice"] == {"invoiceNumber": "FV/1"}


def test_transactions_refuse_naive_dates_and_short_search(client):
    aware = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        client.list_transactions(start_date=datetime(2025, 1, 1), end_date=aware)
    with pytest.raises(ValueError):
        client.list_transactions(start_date=aware, end_date=aware, search="ab")


def test_pricing_config_is_a_list_of_variants(api, client):
    route = api.get("/pricing/config").respond(json=["PRO", "FULL", "ECO", "VOICE", "INTER", "ECO_RESP", "PRO_RESP"])
    config = client.get_pricing_config()
    assert config.variants == [
        BulkVariant.PRO,
        BulkVariant.FULL,
        BulkVariant.ECO,
        BulkVariant.VOICE,
        BulkVariant.INTER,
        BulkVariant.ECO_RESP,
        BulkVariant.PRO_RESP,
    ]
    assert all(entry.price_in_points is None for entry in config.entries)
    assert route.calls.last.request.url.query == b""


def test_pricing_config_also_takes_priced_objects(api, client):
    api.get("/pricing/config").respond(json=[{"bulkVariant": "ECO", "priceInPoints": 7}])
    [entry] = client.get_pricing_config().entries
    assert (entry.bulk_variant, entry.price_in_points) == (BulkVariant.ECO, Decimal("7"))
