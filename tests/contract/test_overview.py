"""Manual sections 8, 9, 10 against the sandbox: history, statistics, single messages, blacklist."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from justsend_panel.sms import SmsApiError, SmsNotFound
from justsend_panel.sms.justsend.types import (
    BulkStatus,
    BulkVariant,
    Country,
    PlatformType,
    Recipient,
)
from tests.contract.conftest import bulk_request


def _now(sandbox) -> datetime:
    return datetime.fromtimestamp(sandbox.app.clock.now()).astimezone()


def test_bulks_list_with_status_date_and_name_filters_then_details(sandbox, justsend):
    first = justsend.send_bulk(request=bulk_request(name="campaign-1"))
    sandbox.advance(30)
    second = justsend.send_bulk(request=bulk_request(name="campaign-2", bulk_variant=BulkVariant.PRO, sender="ACME"))
    now = _now(sandbox)

    everything = justsend.list_bulks()
    assert [b.uuid for b in everything.content] == [first.id, second.id]
    assert [b.bulk_status for b in everything.content] == [BulkStatus.FINISHED, BulkStatus.TO_SEND]
    assert [b.uuid for b in justsend.list_bulks(bulk_statuses=[BulkStatus.TO_SEND]).content] == [second.id]
    both = justsend.list_bulks(bulk_statuses=[BulkStatus.TO_SEND, BulkStatus.FINISHED])
    assert both.total_elements == 2
    by_name = justsend.list_bulks(name="campaign-2")
    assert [(b.uuid, b.name, b.bulk_variant, b.sender) for b in by_name.content] == [
        (second.id, "campaign-2", BulkVariant.PRO, "ACME")]
    assert justsend.list_bulks(name="campaign-3").content == []
    recent = justsend.list_bulks(from_date=now - timedelta(seconds=5), to_date=now + timedelta(seconds=5))
    assert [b.uuid for b in recent.content] == [second.id]
    assert [b.uuid for b in justsend.list_bulks(sort_field="createDate", sort_direction="DESC").content] == [
        second.id, first.id]

    details = justsend.get_bulk(uuid=first.id)
    assert details.bulk.bulk_status is BulkStatus.FINISHED
    counts = details.counts
    assert (counts.recipients, counts.sent, counts.not_sent, counts.total_messages) == (2, 2, 0, 2)
    assert counts.delivered + counts.undelivered + details.raw["expiredCount"] == 2
    assert counts.sent_unconfirmed == 0
    assert details.send_end_date is not None and details.predicted_finish_date is not None
    assert details.bulk_cost_in_points == Decimal(14) and details.cost.amount == Decimal("0.14")
    with pytest.raises(SmsNotFound, match="Bulk not found"):
        justsend.get_bulk(uuid="123e4567-e89b-12d3-a456-426614174000")
    with pytest.raises(SmsApiError, match="malformed uuid"):
        justsend.get_bulk(uuid="not-a-uuid")


def test_invalid_recipients_include_blacklisted_and_every_row(justsend):
    justsend.add_to_blacklist(country=Country.POLAND, msisdns=["48500100201"])
    malformed = [str(4812000 + i) for i in range(30)]
    recipients = [Recipient("48500100200"), Recipient("48500100201"), Recipient("421900123456")]
    result = justsend.send_bulk(request=bulk_request(recipients=recipients + [Recipient(m) for m in malformed]))

    rows = justsend.list_invalid_recipients(uuid=result.id, user_id=1001)

    reasons = {row.msisdn: row.reason for row in rows}
    assert len(rows) == 32
    assert reasons["48500100201"] == "BLACKLISTED" and reasons["421900123456"] == "FOREIGN_NUMBER"
    assert all(reasons[m] == "INVALID_MSISDN" for m in malformed)
    assert justsend.get_bulk(uuid=result.id).counts.recipients == 1


def test_keyword_responses_after_incoming_messages(sandbox, justsend):
    sandbox.incoming(msisdn="48123456789", message="SKLEP yes please", prefix="SKLEP", email="shop@example.com",
                     responseMessage="Thanks!", groupId=5, groupName="Shop")
    sandbox.incoming(msisdn="48987654321", message="STOP", prefix="STOP")

    page = justsend.list_keyword_responses(platform_type=PlatformType.PL)

    assert page.total_elements == 2
    # No sortField (none of the record's fields is a date): the sandbox lists the newest first.
    assert [r.keyword for r in page.content] == ["STOP", "SKLEP"]
    shop = page.content[1]
    assert (shop.keyword, shop.msisdn, shop.email, shop.response_message) == (
        "SKLEP", "48123456789", "shop@example.com", "Thanks!")
    assert shop.date is not None and shop.raw["message"] == "SKLEP yes please"
    assert [r.msisdn for r in justsend.list_keyword_responses(platform_type=PlatformType.PL, keyword="stop").content] == [
        "48987654321"]
    assert [r.keyword for r in justsend.list_keyword_responses(platform_type=PlatformType.PL, msisdn="4812345").content] == [
        "SKLEP"]
    assert justsend.list_keyword_responses(platform_type=PlatformType.PL, email="nobody").content == []
    now = _now(sandbox)
    assert justsend.list_keyword_responses(platform_type=PlatformType.SK, from_date=now - timedelta(days=2),
                                           to_date=now - timedelta(days=1)).total_elements == 0


def test_send_stats_and_sum(sandbox, justsend):
    justsend.send_bulk(request=bulk_request())
    justsend.send_bulk(request=bulk_request(bulk_variant=BulkVariant.PRO, sender="ACME",
                                            recipients=[Recipient("48500100200")]))
    sandbox.advance(30)
    now = _now(sandbox)
    window = {"from_date": now - timedelta(hours=1), "to_date": now + timedelta(hours=1)}

    rows = justsend.get_send_stats(**window)
    total = justsend.get_send_stats_sum(**window)
    eco = justsend.get_send_stats_sum(**window, bulk_variant=BulkVariant.ECO)

    assert sorted(row.get("bulkVariant") for row in rows.content) == ["ECO", "PRO"]
    assert sum(row.get("recipientsCount") for row in rows.content) == 3
    assert (total.get("bulkCount"), total.get("recipientsCount"), total.get("sentCount")) == (2, 3, 3)
    assert total.get("chargedPoints") == 7 * 2 + 9
    assert (eco.get("bulkCount"), eco.get("recipientsCount")) == (1, 2)
    assert [row.get("bulkVariant") for row in justsend.get_send_stats(**window, bulk_variant=BulkVariant.PRO).content] == [
        "PRO"]
    with pytest.raises(SmsApiError, match="fromDate"):
        justsend.get_send_stats_sum(from_date="yesterday", to_date=now)  # type: ignore[arg-type]


def test_single_message_send_get_list_and_user_history(sandbox, justsend):
    sent = justsend.send_single_message(msisdn="48500100200", content="Your code is 1234")
    pro = justsend.send_single_message(msisdn="48500100201", content="Hello", bulk_variant=BulkVariant.PRO,
                                       sender="ACME")
    justsend.send_bulk(request=bulk_request())

    assert sent.id and sent.id.isdigit() and pro.id != sent.id
    message = justsend.get_single_message(message_id=sent.id)
    assert (message.id, message.msisdn, message.content, message.sender) == (
        sent.id, "48500100200", "Your code is 1234", "4777")
    assert (message.acknowledge_status, message.bulk_variant, message.message_count) == ("PENDING", BulkVariant.ECO, 1)
    assert message.charged_points == Decimal(7) and message.transaction_value.currency == "PLN"

    sandbox.advance(30)
    delivered = justsend.get_single_message(message_id=pro.id)
    assert delivered.sender == "ACME" and delivered.acknowledge_status in {"DELIVERED", "UNDELIVERED", "EXPIRED"}
    assert delivered.send_date is not None
    with pytest.raises(SmsNotFound):
        justsend.get_single_message(message_id="999999")
    with pytest.raises(SmsApiError, match="cannot receive"):
        justsend.send_single_message(msisdn="421900123456", content="Abroad")

    now = _now(sandbox)
    singles = justsend.list_single_messages(start_date=now - timedelta(hours=1), end_date=now + timedelta(hours=1))
    assert [m.id for m in singles.content] == [sent.id, pro.id]  # the bulk is not a single message
    assert justsend.list_single_messages(start_date=now + timedelta(days=1)).total_elements == 0

    history = justsend.get_user_history(msisdn="48500100200", from_date=now - timedelta(hours=1),
                                        to_date=now + timedelta(hours=1))
    assert sorted(m.content for m in history.content) == ["Hello from Justsend", "Your code is 1234"]
    assert all(m.msisdn == "48500100200" and m.send_date is not None for m in history.content)
    pro_only = justsend.get_user_history(msisdn="48500100201", from_date=now - timedelta(hours=1),
                                         to_date=now + timedelta(hours=1), bulk_variant=BulkVariant.PRO)
    assert [(m.content, m.bulk_variant) for m in pro_only.content] == [("Hello", BulkVariant.PRO)]


def test_blacklist_add_get_remove(justsend):
    ack = justsend.add_to_blacklist(country=Country.POLAND, msisdns=["48500100200", "48500100201", "oops"])
    assert ack.raw == {"added": 2, "alreadyPresent": 0, "skipped": ["oops"]}
    justsend.add_to_blacklist(country=Country.CZECHIA, msisdns=["420601123456"], for_user_id=1001)

    entries = justsend.list_blacklist()
    assert [(e.msisdn, e.country) for e in entries.content] == [
        ("48500100200", Country.POLAND), ("48500100201", Country.POLAND), ("420601123456", Country.CZECHIA)]
    assert all(e.id is not None and e.user_id == 1001 for e in entries.content)
    with pytest.raises(SmsApiError, match="No valid recipients"):
        justsend.send_bulk(request=bulk_request())

    removed = justsend.remove_from_blacklist(country=Country.POLAND, msisdns=["48500100200"])
    assert removed.raw == {"removed": 1}
    assert [e.msisdn for e in justsend.iter_blacklist()] == ["48500100201", "420601123456"]
    assert justsend.get_bulk(uuid=justsend.send_bulk(request=bulk_request()).id).counts.recipients == 1
    with pytest.raises(SmsApiError, match="Invalid MSISDN"):
        justsend.remove_from_blacklist(country=Country.POLAND, msisdns=["oops"])
