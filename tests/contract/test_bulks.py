"""Manual section 3 against the sandbox: bulk sends, uploads, descriptors, cancelling."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from justsend_panel.sms import SmsApiError, SmsConflict, SmsNotFound
from justsend_panel.sms.justsend.types import (
    BulkStatus,
    BulkType,
    BulkVariant,
    Country,
    FullSender,
    Recipient,
    VoiceConfig,
)
from justsend_panel.sandbox.rules import calling_code
from tests.contract.conftest import LATER_SECONDS, NUMBERS, bulk_request, last_json

VOICE = VoiceConfig(repeat_dtmf=False, min_period=1, max_period=2, max_count=1, pause=1, max_dtmf=0,
                    voice_language="POLISH", voice_repeating=False)
# What each variant needs besides the common fields, and the sender the sandbox shows for it.
VARIANTS = {
    BulkVariant.ECO: ({}, "4777"),
    BulkVariant.ECO_RESP: ({}, "4777"),
    BulkVariant.FULL: ({"sender": FullSender.SPECIAL_OFFER.value}, "SPECIAL OFFER"),
    BulkVariant.PRO: ({"sender": "JUSTSEND"}, "JUSTSEND"),
    BulkVariant.PRO_RESP: ({"sender": "ACME"}, "ACME"),
    BulkVariant.INTER: ({"sender": "JUSTSEND", "country": Country.SLOVAKIA}, "JUSTSEND"),
    BulkVariant.VOICE: ({"sender": "JUSTSEND", "voice_config": VOICE}, "JUSTSEND"),
}
PRICES = {"ECO": 7, "FULL": 8, "PRO": 9, "ECO_RESP": 9, "PRO_RESP": 9, "INTER": 35, "VOICE": 15}
SLOVAK_NUMBERS = ("421900100200", "421900100201")


def _recipients(bulk_type: BulkType, numbers=NUMBERS) -> list[Recipient]:
    if bulk_type is BulkType.PERSONALIZED:
        return [Recipient(numbers[0], "Hi John"), Recipient(numbers[1], "Hi Anna")]
    if bulk_type is BulkType.PARAMETRIZED:
        return [Recipient(msisdn, "Hi $1. Your activation code is $2") for msisdn in numbers]
    return [Recipient(msisdn) for msisdn in numbers]


@pytest.mark.parametrize("bulk_type", list(BulkType))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_bulk_type_and_variant_is_accepted_recorded_and_read_back(sandbox, justsend, variant, bulk_type):
    extra, shown_sender = VARIANTS[variant]
    numbers = SLOVAK_NUMBERS if variant is BulkVariant.INTER else NUMBERS
    send_date = datetime.fromtimestamp(sandbox.app.clock.now()).astimezone() + timedelta(seconds=LATER_SECONDS)
    request = bulk_request(name=f"{variant}-{bulk_type}", bulk_type=bulk_type, bulk_variant=variant,
                           recipients=_recipients(bulk_type, numbers), send_date=send_date, **extra)

    result = justsend.send_bulk(request=request)

    assert uuid.UUID(result.id)
    sent = last_json(sandbox, "/api/sender/bulk/send")
    assert (sent["bulkType"], sent["bulkVariant"], sent["name"]) == (bulk_type.value, variant.value, request.name)
    assert [r["msisdn"] for r in sent["recipients"]] == list(numbers)
    assert datetime.fromisoformat(sent["sendDate"]) == send_date.replace(microsecond=0)
    if variant is BulkVariant.INTER:
        assert sent["bulkProperties"] == {"country": "SLOVAKIA"}
    elif variant is BulkVariant.VOICE:
        assert sent["bulkProperties"]["voiceConfig"]["pause"] == 1
        assert sent["bulkProperties"]["voiceConfig"]["repeatDtmf"] is False
    else:
        assert "bulkProperties" not in sent

    details = justsend.get_bulk(uuid=result.id)
    bulk = details.bulk
    assert (bulk.uuid, bulk.name, bulk.bulk_type, bulk.bulk_variant) == (result.id, request.name, bulk_type, variant)
    assert bulk.bulk_status is BulkStatus.TO_SEND
    assert bulk.sender == shown_sender
    assert bulk.send_date == send_date.replace(microsecond=0)
    assert details.counts.recipients == 2 and details.counts.sent == 0 and details.counts.not_sent == 2
    assert details.points_per_sms == Decimal(PRICES[variant.value])
    assert bulk.charged_points == Decimal(PRICES[variant.value] * 2)
    assert details.cost is not None and details.cost.currency == "PLN"
    if variant is BulkVariant.INTER:
        assert details.country == "SLOVAKIA"


def test_inter_accepts_every_foreign_country_the_client_can_send(sandbox, justsend):
    for country in Country:
        number = f"{calling_code(country.value)}900100200"
        request = bulk_request(bulk_variant=BulkVariant.INTER, sender="ACME", country=country,
                               recipients=[Recipient(number)])
        if country is Country.POLAND:
            with pytest.raises(SmsApiError, match="country"):
                justsend.send_bulk(request=request)
            continue
        result = justsend.send_bulk(request=request)
        assert justsend.get_bulk(uuid=result.id).country == country.value


def test_a_bulk_to_groups_only_sends_to_their_members(sandbox, justsend):
    first = justsend.create_group(name="Customers", country=Country.POLAND)
    second = justsend.create_group(name="Prospects", country=Country.POLAND)
    justsend.batch_add_group_members(group_id=first.id, msisdns=["48500100300", "48500100301"])
    justsend.batch_add_group_members(group_id=second.id, msisdns=["48500100301", "48500100302"])

    result = justsend.send_bulk(request=bulk_request(recipients=[], group_ids=[first.id, second.id]))

    sent = last_json(sandbox, "/api/sender/bulk/send")
    assert sent["groupIds"] == [first.id, second.id] and sent["recipients"] == []
    details = justsend.get_bulk(uuid=result.id)
    assert details.counts.recipients == 3  # the shared member is sent once
    assert details.raw["duplicateRecipientsCount"] == 1


def test_an_unknown_group_is_refused_with_the_sandbox_message(justsend):
    with pytest.raises(SmsApiError, match="Group 999 does not exist") as caught:
        justsend.send_bulk(request=bulk_request(recipients=[], group_ids=[999]))
    assert caught.value.status == 400


def test_upload_streams_a_csv_file_from_disk(sandbox, justsend, tmp_path):
    csv_path = tmp_path / "recipients.csv"
    rows = ["msisdn;name;code", "48500100200;Anna;1234", "48500100201;Jan;5678", "12;bad;row"]
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    request = bulk_request(name="From a file", bulk_type=BulkType.PARAMETRIZED, bulk_variant=BulkVariant.PRO,
                           sender="JUSTSEND", message="Hi $1, your code is $2", recipients=[])

    result = justsend.upload_bulk(request=request, file=csv_path)

    logged = sandbox.requests(path="/api/upload/bulk")
    upload = [entry for entry in logged if entry["path"] == "/api/upload/bulk"][-1]
    assert upload["contentType"].startswith("multipart/form-data")
    part = upload["multipart"]
    assert part["request"]["bulkType"] == "PARAMETRIZED" and "recipients" not in part["request"]
    assert part["file"]["filename"] == "recipients.csv" and part["file"]["contentType"] == "text/csv"
    assert part["file"]["rows"] == 3 and part["file"]["bytes"] == csv_path.stat().st_size

    details = justsend.get_bulk(uuid=result.id)
    assert details.counts.recipients == 2
    assert [(r.msisdn, r.reason) for r in justsend.list_invalid_recipients(uuid=result.id, user_id=1001)] == [
        ("12", "INVALID_MSISDN")]
    history = justsend.get_user_history(msisdn="48500100201", from_date=_ago(sandbox, 60), to_date=_ago(sandbox, -60))
    assert [message.content for message in history.content] == ["Hi Jan, your code is 5678"]


def test_upload_takes_an_open_binary_file_and_leaves_it_open(sandbox, justsend):
    stream = io.BytesIO(b"48500100200\n48500100201\n")

    result = justsend.upload_bulk(request=bulk_request(recipients=[]), file=stream, filename="list.csv")

    assert not stream.closed
    assert justsend.get_bulk(uuid=result.id).counts.recipients == 2
    with pytest.raises(TypeError):
        justsend.upload_bulk(request=bulk_request(), file=io.StringIO("48500100200\n"))


def test_upload_descriptors_list_successes_and_failures(sandbox, justsend):
    justsend.upload_bulk(request=bulk_request(recipients=[]), file=io.BytesIO(b"48500100200\n"), filename="good.csv")
    with pytest.raises(SmsApiError, match="No valid recipients"):
        justsend.upload_bulk(request=bulk_request(recipients=[]), file=io.BytesIO(b"12\n"), filename="bad.csv")

    page = justsend.list_upload_descriptors(sort_field="createDate")
    assert page.total_elements == 2
    assert [(d.file_name, d.status) for d in page.content] == [("good.csv", "SUCCESS"), ("bad.csv", "ERROR")]
    assert all(d.id and d.created_at is not None for d in page.content)

    only_ok = justsend.list_upload_descriptors(import_status="SUCCESS", days=15)
    assert [d.file_name for d in only_ok.content] == ["good.csv"]
    assert [d.file_name for d in justsend.iter_upload_descriptors(size=1)] == ["good.csv", "bad.csv"]


def test_cancel_refunds_then_conflicts_and_unknown_is_not_found(sandbox, justsend):
    before = justsend.get_account_summary().account_balance
    later = datetime.fromtimestamp(sandbox.app.clock.now()).astimezone() + timedelta(seconds=LATER_SECONDS)
    pending = justsend.send_bulk(request=bulk_request(send_date=later))

    ack = justsend.cancel_bulk(uuid=pending.id)

    assert ack.message == "Bulk process cancelled successfully"
    assert justsend.get_bulk(uuid=pending.id).bulk.bulk_status is BulkStatus.CANCELED
    assert justsend.get_account_summary().account_balance == before
    with pytest.raises(SmsConflict, match="Bulk cannot be cancelled") as again:
        justsend.cancel_bulk(uuid=pending.id)
    assert again.value.status == 409

    finished = justsend.send_bulk(request=bulk_request(name="done"))
    sandbox.advance(30)
    assert justsend.get_bulk(uuid=finished.id).bulk.bulk_status is BulkStatus.FINISHED
    with pytest.raises(SmsConflict):
        justsend.cancel_bulk(uuid=finished.id)
    with pytest.raises(SmsNotFound, match="Bulk not found"):
        justsend.cancel_bulk(uuid=str(uuid.uuid4()))


def _ago(sandbox, seconds: float) -> datetime:
    return datetime.fromtimestamp(sandbox.app.clock.now() - seconds).astimezone()


def test_a_partial_voice_config_is_sent_as_given_and_accepted(sandbox, justsend):
    request = bulk_request(bulk_variant=BulkVariant.VOICE, sender="JUSTSEND", voice_config=VoiceConfig(pause=2))

    result = justsend.send_bulk(request=request)

    assert last_json(sandbox, "/api/sender/bulk/send")["bulkProperties"] == {"voiceConfig": {"pause": 2}}
    assert justsend.get_bulk(uuid=result.id).raw["bulkProperties"]["voiceConfig"]["pause"] == 2
