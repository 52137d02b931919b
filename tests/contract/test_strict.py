"""The real client sends what the manual forbids; the strict sandbox answers as Justsend would."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from justsend_panel.sms.exceptions import SmsApiError
from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.types import BulkVariant, Country, PlatformType, Recipient
from tests.contract.conftest import bulk_request


def test_a_bulk_body_without_send_date_is_refused_with_400(justsend):
    # The client will not build it (wire.bulk_request_body refuses); sent by hand, Justsend says 400.
    body = wire.bulk_request_body(bulk_request(), with_recipients=True)
    del body["sendDate"]
    with pytest.raises(SmsApiError, match="sendDate") as refused:
        justsend.request("POST", "/sender/bulk/send", json_body=body)
    assert refused.value.status == 400
    with pytest.raises(ValueError, match="send_date"):
        justsend.send_bulk(request=bulk_request(send_date=None))


def test_a_group_without_country_is_refused_with_400(justsend):
    with pytest.raises(SmsApiError, match="country") as refused:
        justsend.create_group(name="No country", country=None)
    assert refused.value.status == 400
    assert justsend.create_group(name="Local", country=Country.POLAND).country is Country.POLAND


def test_a_sort_field_that_is_not_a_field_of_the_record_is_refused_with_400(sandbox, justsend):
    now = datetime.fromtimestamp(sandbox.app.clock.now()).astimezone()
    window = {"from_date": now - timedelta(days=1), "to_date": now + timedelta(days=1)}
    wrong = [
        lambda: justsend.list_keyword_responses(platform_type=PlatformType.PL, sort_field="createDate"),
        lambda: justsend.list_groups(sort_field="createDate"),
        lambda: justsend.search_groups(msisdn="48500100200", sort_field="size"),
        lambda: justsend.list_blacklist(sort_field="2"),  # the manual's own 10.2 example
        lambda: justsend.list_upload_descriptors(sort_field="name"),
        lambda: justsend.list_bulks(sort_field="created"),
        lambda: justsend.get_send_stats(**window, sort_field="day"),
        lambda: justsend.list_transactions(start_date=window["from_date"], end_date=window["to_date"],
                                           sort_field="amount"),
    ]
    for call in wrong:
        with pytest.raises(SmsApiError, match="is not a field of") as refused:
            call()
        assert refused.value.status == 400
    # What the panel itself sends is accepted.
    list(justsend.iter_bulks(from_date=window["from_date"], size=100, sort_field="createDate"))
    justsend.list_bulks(sort_field="createDate", sort_direction="DESC")
    justsend.get_send_stats(**window, sort_field="sendDate")
    justsend.get_user_history(msisdn="48500100200", **window, sort_field="sendDate")
    justsend.list_upload_descriptors(sort_field="fileName")
    justsend.list_upload_descriptors(sort_field="createDate")
    justsend.list_transactions(start_date=window["from_date"], end_date=window["to_date"],
                               sort_field="amountInPoints")
    justsend.list_keyword_responses(platform_type=PlatformType.PL)


def test_a_full_sender_or_mail2sms_override_outside_the_headings_is_refused_with_400(justsend):
    with pytest.raises(SmsApiError, match="headings") as refused:
        justsend.send_bulk(request=bulk_request(bulk_variant=BulkVariant.FULL, sender="MYBRAND"))
    assert refused.value.status == 400
    with pytest.raises(SmsApiError, match="headings") as refused:
        justsend.create_auth_code(sender_override="MYBRAND", bulk_variant=BulkVariant.FULL)
    assert refused.value.status == 400
    assert justsend.create_auth_code(sender_override="NEWS", bulk_variant=BulkVariant.FULL).sender_override == "NEWS"


def test_foreign_numbers_of_a_domestic_bulk_and_other_countries_of_an_inter_bulk_are_listed_invalid(justsend):
    eco = justsend.send_bulk(request=bulk_request(recipients=[Recipient("48500100200"), Recipient("421900123456")]))
    inter = justsend.send_bulk(request=bulk_request(
        bulk_variant=BulkVariant.INTER, sender="ACME", country=Country.SLOVAKIA,
        recipients=[Recipient("421900123456"), Recipient("420601123456"), Recipient("48500100200")]))

    eco_details = justsend.get_bulk(uuid=eco.id)
    assert (eco_details.counts.recipients, eco_details.bulk.charged_points) == (1, 7)
    assert [(r.msisdn, r.reason) for r in justsend.list_invalid_recipients(uuid=eco.id, user_id=1)] == [
        ("421900123456", "FOREIGN_NUMBER")]
    inter_details = justsend.get_bulk(uuid=inter.id)
    assert (inter_details.counts.recipients, inter_details.bulk.charged_points) == (1, 35)
    assert sorted((r.msisdn, r.reason) for r in justsend.list_invalid_recipients(uuid=inter.id, user_id=1)) == [
        ("420601123456", "OUTSIDE_COUNTRY"), ("48500100200", "OUTSIDE_COUNTRY")]
