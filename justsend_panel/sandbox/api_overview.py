"""Sending history (manual section 8).

Readings: ``GET /overview/bulks`` also filters by ``name`` (exact) and ``bulkVariant``, so
the panel can look its bulk up by its unique name; ``fromDate``/``toDate`` apply to the
bulk's creation time. Single messages are not bulks and are listed by
``/overview/singlemessages`` only. ``invalid-recipients`` is a page of ``{"msisdn",
"reason"}`` (reasons ``INVALID_MSISDN``, ``BLACKLISTED``, ``FOREIGN_NUMBER``,
``MISSING_CONTENT``), every row on one page unless ``page`` or ``size`` is asked: the manual
names no paging for it, and the client reads a single answer; its ``userId`` is accepted but not required, the sandbox has one user.
``keyword-response`` lists the incoming (MO) messages injected through the control API.
``send-stats`` is one row per day (UTC) and variant; ``send-stats/sum`` the same totals in
one object. Statistics count bulks and single messages by their send date.
"""

from __future__ import annotations

import uuid

from werkzeug.wrappers import Request

from . import bulks, rules
from .api_account import date_range
from .web import ApiError, Filters, Paging, json_response, not_found, page_response, query_list, query_required

BULK_STATUSES = ("TO_PAY", "PAID", "TO_SEND", "IN_PROGRESS", "WAITING_TO_SEND", "FINISHED", "CANCELED",
                 "CANCELLED_TIME_RESTRICTED", "HOLD", "HOLD_SMISHING", "HOLD_QUARANTINE", "HOLD_DICTIONARY",
                 "REJECTED", "DELETED")
# sortField of each list: the scalar fields the manual gives for the listed record (web.Paging
# refuses any other). Fields the one-user sandbox holds no value for sort as the id does.
_ONE_USER = ("userId", "userEmail", "userAccountType", "userMasterId", "userPlatformType")
# A bulk (8.2).
BULK_SORT = {
    **dict.fromkeys(_ONE_USER, "id"), "id": "id", "name": "name", "uuid": "uuid", "bulkType": "bulk_type",
    "bulkVariant": "variant", "bulkStatus": "status", "sender": "sender", "message": "message",
    "chargedPoints": "charged_cp - refunded_cp", "sendDate": "due_at", "sendEndDate": "end_at",
    "createDate": "create_date", "totalMessageCount": "total_segments", "recipientsCount": "recipients_count",
    "sentCount": "sent_count", "deliveredCount": "delivered_count",
    "sentUnconfirmedCount": "sent_count - delivered_count - undelivered_count - expired_count",
    "undeliveredCount": "undelivered_count", "notSentCount": "recipients_count - sent_count",
    "predictedFinishDate": "due_at", "pointsPerSms": "price_cp", "reportId": "id", "reportStatus": "status",
    "cost": "charged_cp - refunded_cp", "currency": "id", "prefix": "id", "country": "properties ->> '$.country'",
    "bulkCostInPoints": "charged_cp", "bulkInsufficientPoints": "id",
}
# A statistics row (8.5): the manual names no field of it but sendDate (its example) and the
# bulkVariant it is filtered by.
STATS_SORT = {"sendDate": "day", "bulkVariant": "variant"}
# A single message (9.1).
SINGLE_SORT = {"id": "r.id", "msisdn": "r.msisdn", "content": "COALESCE(r.content, b.message)", "sender": "b.sender",
               "acknowledgeStatus": "r.status", "sendDate": "COALESCE(r.sent_at, b.due_at)", "deliveryDate": "r.final_at",
               "chargedPoints": "r.segments * b.price_cp", "messageCount": "r.segments"}
# A record of a user's history (8.8).
HISTORY_SORT = {"userId": "r.id", "userMasterId": "r.id", "userEmail": "r.id", "bulkVariant": "b.variant",
                "name": "b.name", "sender": "b.sender", "msisdn": "r.msisdn", "content": "COALESCE(r.content, b.message)",
                "messageCount": "r.segments", "sendDate": "COALESCE(r.sent_at, b.due_at)", "carrierId": "r.id",
                "acknowledgeStatus": "r.status", "deliveryDate": "r.final_at", "type": "b.kind"}
# A keyword response (8.4): the manual describes no response body, only the record's fields it
# filters on: userId, keyword, msisdn, email, responseMessage. No date among them; without a
# sortField the sandbox lists the newest first.
KEYWORD_SORT = {"userId": "id", "keyword": "prefix", "msisdn": "msisdn", "email": "email",
                "responseMessage": "response_message"}
# An invalid recipient (8.3): the manual gives neither sorting nor fields; the sandbox's msisdn, reason.
INVALID_SORT = {"msisdn": "msisdn", "reason": "reason"}
STATS_COLUMNS = (
    "COUNT(*) AS bulk_count, SUM(recipients_count) AS recipients, SUM(total_segments) AS segments,"
    " SUM(sent_count) AS sent, SUM(delivered_count) AS delivered, SUM(undelivered_count) AS undelivered,"
    " SUM(expired_count) AS expired, SUM(recipients_count - sent_count) AS not_sent,"
    " SUM(charged_cp - refunded_cp) AS charged_cp"
)


def _bulk(app, raw_uuid: str):
    try:
        bulk_uuid = str(uuid.UUID(raw_uuid))
    except ValueError:
        raise ApiError(400, "Invalid request: malformed uuid") from None
    row = app.store.one("SELECT * FROM bulks WHERE uuid = ? AND kind = 'BULK'", (bulk_uuid,))
    if row is None:
        raise not_found("Bulk not found")
    return row


def bulks_list(app, request: Request):
    paging = Paging(request, default_size=10, sort_fields=BULK_SORT, default_order="create_date", record="a bulk")
    filters = Filters("kind = 'BULK'", "status != 'SUBMITTING'")
    filters.between("create_date", *date_range(request, "fromDate", "toDate", required=False))
    statuses = query_list(request, "bulkStatus")
    for status in statuses:
        rules.choice(status, BULK_STATUSES, "bulkStatus")
    if statuses:
        filters.add(f"status IN ({','.join('?' * len(statuses))})", *statuses)
    filters.equal("name", request.args.get("name"))
    filters.equal("variant", request.args.get("bulkVariant"))
    return page_response(app.store, paging, "bulks", filters, lambda row: bulks.bulk_body(row, app.config))


def bulk_get(app, request: Request, bulk_uuid: str):
    return json_response(bulks.bulk_body(_bulk(app, bulk_uuid), app.config))


def invalid_recipients(app, request: Request, bulk_uuid: str):
    bulk = _bulk(app, bulk_uuid)
    filters = Filters("bulk_id = ?", params=[bulk["id"]])
    paged = "page" in request.args or "size" in request.args
    everything = max(1, app.store.scalar("SELECT COUNT(*) FROM invalid_recipients WHERE bulk_id = ?", (bulk["id"],)))
    paging = Paging(request, default_size=25 if paged else everything, default_order="id", sort_fields=INVALID_SORT,
                    record="an invalid recipient", max_size=10_000 if paged else None)
    return page_response(app.store, paging, "invalid_recipients", filters, lambda r: {"msisdn": r["msisdn"], "reason": r["reason"]})


def keyword_responses(app, request: Request):
    platform = rules.choice(query_required(request, "platformType"), rules.PLATFORM_TYPES, "platformType")
    paging = Paging(request, default_size=25, sort_fields=KEYWORD_SORT, default_order="received_at",
                    record="a keyword response",
                    default_direction="ASC" if request.args.get("sortField") else "DESC")
    filters = Filters()
    filters.equal("UPPER(prefix)", (request.args.get("keyword") or "").upper())
    for arg, column in (("msisdn", "msisdn"), ("email", "email"), ("responseMessage", "response_message")):
        filters.like(column, request.args.get(arg))
    filters.between("received_at", *date_range(request, "fromDate", "toDate", required=False))
    return page_response(app.store, paging, "incoming", filters, lambda r: {
        "id": r["id"], "userId": bulks.SANDBOX_USER_ID, "keyword": r["prefix"], "msisdn": r["msisdn"],
        "email": r["email"], "responseMessage": r["response_message"], "message": r["message"],
        "sender": r["sender"], "groupId": r["group_id"], "groupName": r["group_name"],
        "createDate": rules.iso(r["received_at"]), "platformType": platform,
    })


def _stats_filter(request: Request) -> tuple[str, list]:
    start, end = date_range(request, "fromDate", "toDate", required=True)
    where, params = "status != 'SUBMITTING' AND due_at BETWEEN ? AND ?", [start, end]
    variant = rules.choice(request.args.get("bulkVariant"), rules.STATS_VARIANTS, "bulkVariant", required=False)
    if variant:
        where += " AND variant = ?"
        params.append(variant)
    return where, params


def _stats_body(row) -> dict:
    return {
        "bulkCount": row["bulk_count"] or 0,
        "recipientsCount": row["recipients"] or 0,
        "totalMessageCount": row["segments"] or 0,
        "sentCount": row["sent"] or 0,
        "deliveredCount": row["delivered"] or 0,
        "undeliveredCount": row["undelivered"] or 0,
        "expiredCount": row["expired"] or 0,
        "notSentCount": row["not_sent"] or 0,
        "chargedPoints": (row["charged_cp"] or 0) / 100,
    }


def send_stats(app, request: Request):
    where, params = _stats_filter(request)
    paging = Paging(request, default_size=14, sort_fields=STATS_SORT, default_order="day", tiebreak="variant",
                    record="a statistics row")
    grouped = f"SELECT date(due_at, 'unixepoch') AS day, variant, {STATS_COLUMNS} FROM bulks WHERE {where} GROUP BY day, variant"
    total = app.store.scalar(f"SELECT COUNT(*) FROM ({grouped})", params)
    rows = app.store.all(f"SELECT * FROM ({grouped}) {paging.order_by()} {paging.limit()}", params)
    return json_response(paging.page_body(
        ({"sendDate": row["day"], "bulkVariant": row["variant"], **_stats_body(row)} for row in rows), total))


def send_stats_sum(app, request: Request):
    where, params = _stats_filter(request)
    row = app.store.one(f"SELECT {STATS_COLUMNS} FROM bulks WHERE {where}", params)
    return json_response({"fromDate": request.args["fromDate"], "toDate": request.args["toDate"],
                          "bulkVariant": request.args.get("bulkVariant"), **_stats_body(row)})


def single_messages(app, request: Request):
    paging = Paging(request, default_size=10, sort_fields=SINGLE_SORT, default_order="r.id", tiebreak="r.id",
                    record="a single message")
    filters = Filters("b.kind = 'SINGLE'")
    filters.between("b.due_at", *date_range(request, "startDate", "endDate", required=False))
    return page_response(app.store, paging, bulks.MESSAGE_SOURCE, filters, bulks.message_body, select=bulks.MESSAGE_COLUMNS)


def user_history(app, request: Request):
    msisdn = rules.require_msisdn(query_required(request, "msisdn"))
    start, end = date_range(request, "fromDate", "toDate", required=True)
    paging = Paging(request, default_size=14, sort_fields=HISTORY_SORT, default_order="COALESCE(r.sent_at, b.due_at)",
                    tiebreak="r.id", record="a history record")
    bulk_filter, params = "SELECT id FROM bulks WHERE due_at BETWEEN ? AND ?", [start, end]
    variant = rules.choice(request.args.get("bulkVariant"), rules.STATS_VARIANTS, "bulkVariant", required=False)
    if variant:
        bulk_filter += " AND variant = ?"
        params.append(variant)
    filters = Filters(f"r.bulk_id IN ({bulk_filter})", "r.msisdn = ?", params=[*params, msisdn])
    return page_response(app.store, paging, bulks.MESSAGE_SOURCE, filters, lambda r: {
        "userId": bulks.SANDBOX_USER_ID, "userMasterId": None, "userEmail": "sandbox@justsend.local",
        "bulkVariant": r["variant"], "name": r["name"], "sender": r["sender"], "msisdn": r["msisdn"],
        "content": r["content"] or r["message"], "messageCount": r["segments"],
        "sendDate": rules.iso(r["sent_at"] if r["sent_at"] is not None else r["due_at"]), "carrierId": None,
        "acknowledgeStatus": bulks.ACK_STATUS[r["status"]],
        "deliveryDate": rules.iso(r["final_at"]) if r["status"] == "DELIVERED" else None,
        "type": r["kind"],
    }, select=bulks.MESSAGE_COLUMNS)

