"""Sending: bulks (JSON and CSV upload), cancelling, upload descriptors, single messages.

``POST /sender/singlemessage/send`` answers 201 with the same object
``GET /sender/singlemessage/{messageId}`` returns (so ``id`` is there, as for bulks);
a single message to an invalid, blacklisted or (for domestic variants) foreign number is
refused with 400. A single message goes through the same lifecycle and postbacks as a bulk.
"""

from __future__ import annotations

import json
import time

from werkzeug.wrappers import Request

from . import bulks, rules
from .web import ApiError, Filters, Paging, bad_request, json_body, json_response, not_found, page_response, query_int


def bulk_send(app, request: Request):
    data = json_body(request, expect=dict)
    spec = bulks.parse_bulk_spec(data)
    recipients = data.get("recipients")
    if not recipients and not spec.group_ids:
        raise bad_request("Either 'recipients' or 'groupIds' is required")
    bulk = bulks.submit(app, spec, lambda sink: sink.add_json_recipients(recipients))
    return json_response({"id": bulk["uuid"]}, status=201)


def _upload_request_part(request: Request) -> dict:
    """The ``request`` part: a form field, or a file part (``-F request=@blob;type=application/json``)."""
    if "request" in request.files:
        raw = request.files["request"].read()
    elif "request" in request.form:
        raw = request.form["request"].encode()
    else:
        raise bad_request("Multipart part 'request' (JSON) is required")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"Part 'request' is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise bad_request("Part 'request' must be a JSON object")
    return data


def upload_bulk(app, request: Request):
    if request.mimetype != "multipart/form-data":
        raise bad_request("Expected multipart/form-data with parts 'request' and 'file'")
    data = _upload_request_part(request)
    upload = request.files.get("file")
    summary = {"request": data, "file": None}
    request.environ["sandbox.upload_summary"] = summary
    if upload is None:
        raise bad_request("Multipart part 'file' (CSV) is required")
    summary["file"] = {"filename": upload.filename, "contentType": upload.mimetype}
    started = time.perf_counter()
    counted = {}

    def feed(sink: bulks.RecipientSink) -> None:
        try:
            sink.add_csv(upload.stream)
        finally:
            counted["rows"] = sink.attempted

    def record_descriptor(conn, bulk) -> None:
        conn.execute(
            "INSERT INTO upload_descriptors (file_name, status, create_date, rows_count, bulk_uuid) VALUES (?, 'SUCCESS', ?, ?, ?)",
            (upload.filename, app.clock.now(), counted["rows"], bulk["uuid"]),
        )

    try:
        spec = bulks.parse_bulk_spec(data)
        bulk = bulks.submit(app, spec, feed, strict=False, after=record_descriptor)
    except ApiError as error:
        with app.store.write() as conn:
            conn.execute(
                "INSERT INTO upload_descriptors (file_name, status, create_date, rows_count, error) VALUES (?, 'ERROR', ?, ?, ?)",
                (upload.filename, app.clock.now(), counted.get("rows", 0), error.message),
            )
        raise
    finally:
        upload.stream.seek(0, 2)
        summary["file"].update(bytes=upload.stream.tell(), rows=counted.get("rows", 0),
                               seconds=round(time.perf_counter() - started, 3))
    return json_response({"id": bulk["uuid"]}, status=201)


# A file descriptor (3.3): id, fileName, status, createdAt; and createDate, which the manual's own
# example sorts by.
DESCRIPTOR_SORT = {"id": "id", "fileName": "file_name", "status": "status", "createdAt": "create_date",
                   "createDate": "create_date"}


def upload_descriptors(app, request: Request):
    paging = Paging(request, default_size=25, sort_fields=DESCRIPTOR_SORT, default_order="create_date",
                    record="a file descriptor")
    filters = Filters()
    days = query_int(request, "days")
    if days is not None:
        filters.add("create_date >= ?", app.clock.now() - days * 86400)
    filters.equal("status", request.args.get("importStatus"))
    return page_response(app.store, paging, "upload_descriptors", filters, lambda row: {
        "id": row["id"], "fileName": row["file_name"], "status": row["status"], "importStatus": row["status"],
        "createdAt": rules.iso(row["create_date"]), "rowsCount": row["rows_count"], "bulkUuid": row["bulk_uuid"],
        "error": row["error"],
    })


def bulk_cancel(app, request: Request, bulk_uuid: str):
    app.lifecycle.cancel(bulk_uuid)
    return json_response("Bulk process cancelled successfully")


def single_send(app, request: Request):
    data = json_body(request, expect=dict)
    variant = rules.choice(data.get("bulkVariant"), rules.VARIANTS, "bulkVariant")
    msisdn = rules.require_msisdn(data.get("msisdn"))
    content = data.get("content", data.get("message"))
    if not isinstance(content, str) or not content.strip():
        raise bad_request("Field 'content' is required")
    spec = bulks.BulkSpec(
        name=data.get("name") if isinstance(data.get("name"), str) else None,
        bulk_type="STANDARD",
        variant=variant,
        sender=rules.check_sender(variant, data.get("sender")),
        message=content,
        properties=rules.check_variant_properties(variant, data.get("bulkProperties"), "bulkProperties"),
    )
    bulk = bulks.submit(app, spec, lambda sink: sink.add(msisdn), kind="SINGLE", reject_invalid=True)
    row = app.store.one(bulks.MESSAGE_SELECT + " WHERE r.id = ?", (bulk["first_rid"],))
    return json_response(bulks.message_body(row), status=201)


def single_get(app, request: Request, message_id: str):
    if not message_id.isdigit():
        raise not_found(f"Message {message_id} not found")
    row = app.store.one(bulks.MESSAGE_SELECT + " WHERE r.id = ? AND b.kind = 'SINGLE'", (int(message_id),))
    if row is None:
        raise not_found(f"Message {message_id} not found")
    return json_response(bulks.message_body(row))
