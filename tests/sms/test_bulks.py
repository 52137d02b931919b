"""Manual section 3: bulk sends, uploads, descriptors, cancelling."""

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import HTTP

import httpx
import pytest

from justsend_panel.sms.exceptions import SmsConflict, SmsNotFound
from justsend_panel.sms.justsend.types import (
    BulkSendRequest,
    BulkType,
    BulkVariant,
    Country,
    FullSender,
    Recipient,
    SortDirection,
    VoiceConfig,
)

from .conftest import APP_KEY, page_body, sent_json, sent_params

WARSAW = timezone(timedelta(hours=2))
SEND_DATE = datetime(2025, 10, 17, 10, 0, tzinfo=WARSAW)


def test_send_standard_eco_bulk(api, client):
    route = api.post("/sender/bulk/send").respond(201, json={"ID": "5c4bd0ff-2ee7-49a6-895a-440f7150a540"})
    request = BulkSendRequest(
        name="Promo Justsend",
        bulk_type=BulkType.STANDARD,
        bulk_variant=BulkVariant.ECO,
        message="Hello from Justsend",
        send_date=datetime(2025, 10, 17, 10, 0, tzinfo=WARSAW),
        recipients=[Recipient("48123123123"), Recipient("48123123124")],
    )

    result = client.send_bulk(request=request)

    assert result.id == "5c4bd0ff-2ee7-49a6-895a-440f7150a540"
    sent = route.calls.last.request
    assert sent.method == "POST"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["App-Key"] == APP_KEY
    assert sent_json(route) == {
        "name": "Promo Justsend",
        "bulkType": "STANDARD",
        "bulkVariant": "ECO",
        "message": "Hello from Justsend",
        "sendDate": "2025-10-17T10:00:00+02:00",
        "recipients": [{"msisdn": "48123123123"}, {"msisdn": "48123123124"}],
    }


def test_send_personalized_full_bulk_with_heading_and_groups(api, client):
    route = api.post("/sender/bulk/send").respond(201, text="Bulk process started successfully")
    request = BulkSendRequest(
        name="Hello",
        bulk_type=BulkType.PERSONALIZED,
        bulk_variant=BulkVariant.FULL,
        sender=FullSender.SPECIAL_OFFER,
        message="Hello",
        send_date=SEND_DATE,
        recipients=[Recipient("48123123123", "Hi John"), Recipient("48123123124", "Hi Anna")],
        group_ids=[274302, 274304],
    )

    result = client.send_bulk(request=request)

    assert (result.id, result.message) == (None, "Bulk process started successfully")
    body = sent_json(route)
    assert body["bulkType"] == "PERSONALIZED"
    assert body["bulkVariant"] == "FULL"
    assert body["sender"] == "SPECIAL OFFER"
    assert body["groupIds"] == [274302, 274304]
    assert body["recipients"][1] == {"msisdn": "48123123124", "content": "Hi Anna"}
    assert body["sendDate"] == "2025-10-17T10:00:00+02:00"


@pytest.mark.parametrize("endpoint", ["send_bulk", "upload_bulk"])
def test_a_bulk_without_send_date_is_refused_before_any_call(api, client, endpoint):
    # sendDate is in every example of 3.1 and 3.2 and never called optional: a strict Justsend
    # answers 400 without it, so the client does not build such a request (respx fails any call).
    request = BulkSendRequest(name="n", bulk_type=BulkType.STANDARD, bulk_variant=BulkVariant.ECO, message="m",
                              recipients=[Recipient("48123123123")])
    extra = {"file": io.BytesIO(b"48123123123\n")} if endpoint == "upload_bulk" else {}

    with pytest.raises(ValueError, match="send_date"):
        getattr(client, endpoint)(request=request, **extra)



def test_send_parametrized_inter_bulk_carries_country(api, client):
    route = api.post("/sender/bulk/send").respond(201, json={"id": "123e4567-e89b-12d3-a456-426614174000"})
    request = BulkSendRequest(
        name="Codes",
        bulk_type=BulkType.PARAMETRIZED,
        bulk_variant=BulkVariant.INTER,
        sender="JUSTSEND",
        message="Hi $1. Your activation code is $2",
        country=Country.SLOVAKIA,
        send_date=SEND_DATE,
        recipients=[Recipient("421900123456", "Hi $1. Your activation code is $2")],
    )

    assert client.send_bulk(request=request).id == "123e4567-e89b-12d3-a456-426614174000"
    body = sent_json(route)
    assert body["bulkProperties"] == {"country": "SLOVAKIA"}
    assert body["bulkType"] == "PARAMETRIZED"


def test_send_voice_bulk_carries_voice_config(api, client):
    route = api.post("/sender/bulk/send").respond(201, json="PROCESS_STARTED")
    voice = VoiceConfig(
        repeat_dtmf=False, min_period=1, max_period=2, max_count=1, pause=1, max_dtmf=0, voice_language="POLISH",
        voice_repeating=False,
    )
    request = BulkSendRequest(
        name="Call", bulk_type=BulkType.STANDARD, bulk_variant=BulkVariant.VOICE, message="Read me",
        voice_config=voice, send_date=SEND_DATE, recipients=[Recipient("48123123123")],
    )

    assert client.send_bulk(request=request).message == "PROCESS_STARTED"
    assert sent_json(route)["bulkProperties"] == {
        "voiceConfig": {
            "repeatDtmf": False,
            "minPeriod": 1,
            "maxPeriod": 2,
            "maxCount": 1,
            "pause": 1,
            "maxDtmf": 0,
            "voiceLanguage": "POLISH",
            "voiceRepeating": False,
        }
    }


def test_send_date_in_utc_keeps_an_explicit_offset(api, client):
    route = api.post("/sender/bulk/send").respond(201)
    request = BulkSendRequest(
        name="n", bulk_type=BulkType.STANDARD, bulk_variant=BulkVariant.PRO, sender="ACME", message="m",
        send_date=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC), recipients=[Recipient("48500600700")],
    )
    assert client.send_bulk(request=request).id is None  # an empty 201 is a success without an id
    assert sent_json(route)["sendDate"] == "2026-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bulk_variant": BulkVariant.INTER},  # no country
        {"bulk_type": BulkType.PERSONALIZED, "recipients": [Recipient("48123123123")]},  # no content
        {"send_date": datetime(2026, 1, 1, 10, 0)},  # naive
    ],
    ids=["inter-without-country", "personalized-without-content", "naive-send-date"],
)
def test_bulk_request_refuses_what_the_api_would_reject(kwargs):
    base = {"name": "n", "bulk_type": BulkType.STANDARD, "bulk_variant": BulkVariant.ECO, "message": "m"}
    with pytest.raises(ValueError):
        BulkSendRequest(**{**base, **kwargs})


def test_voice_config_pause_must_be_within_ten_seconds():
    with pytest.raises(ValueError):
        VoiceConfig(pause=11)


# --- upload -----------------------------------------------------------------------


class ReadRecorder(io.RawIOBase):
    """A binary file that records how it is read, to prove the upload is streamed."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)
        self.read_sizes: list[int | None] = []
        self.name = "audience.csv"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def read(self, size: int | None = -1) -> bytes:
        self.read_sizes.append(size)
        return self._inner.read(size)

    def readinto(self, buffer) -> int:  # pragma: no cover - httpx uses read()
        raise AssertionError("the upload should read in sized chunks")


def _parts(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    raw = b"Content-Type: " + request.headers["Content-Type"].encode() + b"\r\n\r\n" + request.content
    message = message_from_bytes(raw, policy=HTTP)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }


def test_upload_bulk_streams_the_file_in_chunks_with_request_and_file_parts(api, client):
    csv_bytes = b"".join(b"48%09d;Anna;%d\n" % (n, n) for n in range(20_000))  # ~400 kB
    assert len(csv_bytes) > 5 * 64 * 1024
    recorder = ReadRecorder(csv_bytes)
    route = api.post("/upload/bulk").respond(201, json={"ID": "5C4BD0FF-2EE7-49A6-895A-440F7150A540"})
    request = BulkSendRequest(
        name="From file", bulk_type=BulkType.PARAMETRIZED, bulk_variant=BulkVariant.ECO, message="Hi $1",
        send_date=SEND_DATE, recipients=[Recipient("48111111111", "ignored")],
    )

    result = client.upload_bulk(request=request, file=recorder)

    assert result.id == "5C4BD0FF-2EE7-49A6-895A-440F7150A540"
    sized_reads = [size for size in recorder.read_sizes if size]
    assert len(sized_reads) >= 5
    assert all(0 < size <= 64 * 1024 for size in sized_reads)
    assert None not in recorder.read_sizes and -1 not in recorder.read_sizes  # never read whole
    assert not recorder.closed  # the caller's file stays the caller's

    sent = route.calls.last.request
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert int(sent.headers["Content-Length"]) > len(csv_bytes)
    parts = _parts(sent)
    assert set(parts) == {"request", "file"}
    request_name, request_type, request_json = parts["request"]
    assert request_type == "application/json"
    assert json.loads(request_json) == {
        "name": "From file",
        "bulkType": "PARAMETRIZED",
        "bulkVariant": "ECO",
        "message": "Hi $1",
        "sendDate": "2025-10-17T10:00:00+02:00",
    }
    file_name, file_type, file_content = parts["file"]
    assert (file_name, file_type) == ("audience.csv", "text/csv")
    assert file_content == csv_bytes


def test_upload_bulk_opens_and_closes_a_path(api, client, tmp_path, monkeypatch):
    path = tmp_path / "recipients.csv"
    path.write_bytes(b"48123123123\n48123123124\n")
    opened = []
    real_open = open

    def spying_open(*args, **kwargs):
        handle = real_open(*args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr("builtins.open", spying_open)
    route = api.post("/upload/bulk").respond(201, json={"id": "42"})
    request = BulkSendRequest(name="n", bulk_type=BulkType.STANDARD, bulk_variant=BulkVariant.ECO, message="m",
                              send_date=SEND_DATE)

    assert client.upload_bulk(request=request, file=path).id == "42"

    assert [h.name for h in opened] == [str(path)] and opened[0].closed
    assert _parts(route.calls.last.request)["file"][0] == "recipients.csv"


def test_upload_bulk_refuses_a_text_file(client, tmp_path):
    request = BulkSendRequest(name="n", bulk_type=BulkType.STANDARD, bulk_variant=BulkVariant.ECO, message="m",
                              send_date=SEND_DATE)
    with pytest.raises(TypeError), io.StringIO("48123123123\n") as text_file:
        client.upload_bulk(request=request, file=text_file)


def test_list_upload_descriptors_query_and_items(api, client):
    route = api.get("/upload/bulk/descriptors").respond(
        json=page_body(
            [{"id": 9, "fileName": "a.csv", "status": "SUCCESS", "createdAt": "2026-01-12T14:17:18.291198Z"}],
            total_pages=4,
            total_elements=10,
        )
    )

    page = client.list_upload_descriptors(
        page=3, size=3, sort_field="createDate", sort_direction=SortDirection.ASC, days=15, import_status="SUCCESS"
    )

    assert sent_params(route) == {
        "days": ["15"],
        "importStatus": ["SUCCESS"],
        "page": ["3"],
        "size": ["3"],
        "sortField": ["createDate"],
        "sortDirection": ["ASC"],
    }
    assert (page.page, page.size, page.total_pages, page.total_elements) == (3, 3, 4, 10)
    [descriptor] = page.content
    assert (descriptor.id, descriptor.file_name, descriptor.status) == ("9", "a.csv", "SUCCESS")
    assert descriptor.created_at == datetime(2026, 1, 12, 14, 17, 18, 291198, tzinfo=UTC)
    assert descriptor.raw["fileName"] == "a.csv"


def test_cancel_bulk_path_and_statuses(api, client):
    route = api.delete("/sender/bulk/3fa85f64-5717-4562-b3fc-2c963f66afa6").respond(
        200, text="Bulk process cancelled successfully"
    )
    assert client.cancel_bulk(uuid="3fa85f64-5717-4562-b3fc-2c963f66afa6").message.startswith("Bulk process")
    assert route.calls.last.request.content == b""

    api.delete("/sender/bulk/done").respond(409, text="Bulk cannot be cancelled")
    with pytest.raises(SmsConflict, match="Bulk cannot be cancelled"):
        client.cancel_bulk(uuid="done")
    api.delete("/sender/bulk/gone").respond(404, text="Bulk not found")
    with pytest.raises(SmsNotFound):
        client.cancel_bulk(uuid="gone")


def test_path_identifiers_are_escaped(api, client):
    route = api.delete("/sender/bulk/a%2Fb").respond(200)
    client.cancel_bulk(uuid="a/b")
    assert route.calls.last.request.url.raw_path == b"/api/sender/bulk/a%2Fb"
