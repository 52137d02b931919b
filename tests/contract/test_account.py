"""Manual sections 5, 6, 7 against the sandbox: Mail2SMS, payments, pricing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from justsend_panel.sms import SmsApiError, SmsNotFound
from justsend_panel.sms.justsend.types import (
    BulkVariant,
    Country,
    PaymentMethod,
    PaymentProvider,
    SortDirection,
    TransactionStatus,
    VoiceConfig,
)
from tests.contract.conftest import bulk_request


def test_auth_codes_crud(justsend):
    pro = justsend.create_auth_code(sender_override="MYBRAND", bulk_variant=BulkVariant.PRO)
    inter = justsend.create_auth_code(sender_override="MYBRAND", bulk_variant=BulkVariant.INTER,
                                      country=Country.SLOVAKIA)
    voice = justsend.create_auth_code(
        sender_override="VOICE", bulk_variant=BulkVariant.VOICE,
        voice_config=VoiceConfig(repeat_dtmf=False, min_period=1, max_period=2, max_count=9, pause=1,
                                 voice_language="POLISH"))

    assert (pro.sender_override, pro.bulk_variant, pro.properties) == ("MYBRAND", BulkVariant.PRO, None)
    assert pro.id and pro.code and pro.create_date is not None and pro.update_date is not None
    assert inter.properties == {"country": "SLOVAKIA"}
    assert voice.properties["voiceConfig"]["maxCount"] == 4  # the manual: more than 4 becomes 4
    assert [code.id for code in justsend.list_auth_codes()] == [pro.id, inter.id, voice.id]

    renamed = justsend.update_auth_code(auth_code_id=pro.id, sender_override="NEWBRAND")
    assert (renamed.id, renamed.code, renamed.sender_override, renamed.bulk_variant) == (
        pro.id, pro.code, "NEWBRAND", BulkVariant.PRO)
    switched = justsend.update_auth_code(auth_code_id=pro.id, bulk_variant=BulkVariant.INTER, country=Country.CZECHIA)
    assert (switched.sender_override, switched.bulk_variant, switched.properties) == (
        "NEWBRAND", BulkVariant.INTER, {"country": "CZECHIA"})

    assert justsend.delete_auth_code(auth_code_id=pro.id) is None
    assert [code.id for code in justsend.list_auth_codes()] == [inter.id, voice.id]
    with pytest.raises(SmsNotFound):
        justsend.delete_auth_code(auth_code_id=pro.id)
    with pytest.raises(SmsNotFound):
        justsend.update_auth_code(auth_code_id=pro.id, sender_override="X")
    with pytest.raises(SmsApiError, match="minPeriod must not exceed maxPeriod"):
        justsend.update_auth_code(auth_code_id=voice.id, voice_config=VoiceConfig(pause=10, min_period=3, max_period=1,
                                                                                  max_count=1))


def test_whitelist_list_and_delete(sandbox, justsend):
    first = sandbox.add_whitelist("jan@example.com")
    second = sandbox.add_whitelist("shop@example.com")

    entries = justsend.list_whitelist()

    assert [(e.id, e.email) for e in entries] == [(first["id"], "jan@example.com"), (second["id"], "shop@example.com")]
    assert all(e.create_date is not None for e in entries)
    assert justsend.delete_whitelist_entry(entry_id=first["id"]) is None
    assert [e.email for e in justsend.list_whitelist()] == ["shop@example.com"]
    with pytest.raises(SmsNotFound):
        justsend.delete_whitelist_entry(entry_id=first["id"])


def test_account_summary_and_pricing(sandbox, justsend):
    sandbox.set_balance(balance=246, promo=350)

    summary = justsend.get_account_summary()

    assert (summary.account_balance, summary.promo_points) == (Decimal("246"), Decimal("350"))
    assert summary.id is not None
    prices = {price.bulk_variant: price.price_in_points for price in summary.prices}
    assert prices == {BulkVariant.ECO: 7, BulkVariant.FULL: 8, BulkVariant.PRO: 9, BulkVariant.ECO_RESP: 9,
                      BulkVariant.PRO_RESP: 9, BulkVariant.INTER: 35, BulkVariant.VOICE: 15}
    pricing = justsend.get_pricing_config()
    assert set(pricing.variants) == set(prices) and all(e.price_in_points is None for e in pricing.entries)

    justsend.send_bulk(request=bulk_request())  # 2 x 7 points, promo points first
    after = justsend.get_account_summary()
    assert (after.account_balance, after.promo_points) == (Decimal("246"), Decimal("336"))


def test_transactions_with_filters_and_search(sandbox, justsend):
    sandbox.set_balance(balance=500)
    justsend.send_bulk(request=bulk_request())
    justsend.send_single_message(msisdn="48500100200", content="Hi")
    now = datetime.fromtimestamp(sandbox.app.clock.now()).astimezone()
    window = {"start_date": now - timedelta(hours=1), "end_date": now + timedelta(hours=1)}

    page = justsend.list_transactions(**window, sort_field="id", sort_direction=SortDirection.ASC)

    assert [(t.transaction_type, t.amount_in_points) for t in page.content] == [
        ("CHARGE", Decimal("-9500")), ("BULK_PAYMENT", Decimal("-14")), ("SINGLE_MESSAGE_PAYMENT", Decimal("-7"))]
    charge, payment, single = page.content
    assert (charge.payment_method, charge.payment_provider, charge.transaction_status) == (
        PaymentMethod.PROFORMA, PaymentProvider.JUSTSEND, TransactionStatus.SUCCESS)
    assert payment.account_balance_in_points == Decimal("486")
    assert payment.value is not None and payment.value.currency == "PLN" and payment.value.amount == Decimal("0.14")
    assert payment.transaction_date is not None and payment.bulk_id is not None

    points = justsend.list_transactions(**window, payment_method=PaymentMethod.POINTS,
                                        payment_provider=PaymentProvider.JUSTSEND,
                                        transaction_status=TransactionStatus.SUCCESS)
    assert [t.transaction_type for t in points.content] == ["BULK_PAYMENT", "SINGLE_MESSAGE_PAYMENT"]
    assert justsend.list_transactions(**window, transaction_status=TransactionStatus.ERROR).content == []
    found = justsend.list_transactions(**window, search=single.external_transaction_id[3:9])
    assert [t.id for t in found.content] == [single.id]
    earlier = justsend.list_transactions(start_date=now - timedelta(days=2), end_date=now - timedelta(days=1))
    assert earlier.total_elements == 0
    with pytest.raises(ValueError):
        justsend.list_transactions(**window, search="ab")
