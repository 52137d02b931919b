"""Payments, pricing, Mail2SMS configuration and the blacklist (manual sections 5, 6, 7, 10).

Readings: deleting an auth code or a whitelist entry answers 204 (the manual: "success
code, without response body"); creating an auth code answers 201. ``GET
/payment/transaction`` requires ``startDate`` and ``endDate`` (400 without them) and
``search`` of at least 3 characters, matched against the internal and external transaction
ids. ``POST /blacklist/add`` skips malformed numbers (as the manual says) and reports them
in ``skipped``; it answers ``{"added", "alreadyPresent", "skipped"}``; ``PUT
/blacklist/remove`` answers ``{"removed"}``. Numbers are blacklisted by country, but a
blacklisted number is skipped in every bulk whatever the bulk's country.
"""

from __future__ import annotations

import json
import secrets
import uuid

from werkzeug.wrappers import Request

from . import rules
from .accounts import POINT_VALUE_PLN, from_cp
from .bulks import SANDBOX_USER_ID
from .web import (Filters, Paging, bad_request, json_body, json_response, no_content, not_found, page_response,
                  query_required)

ACCOUNT_ID = 501
PAYMENT_PROVIDERS = ("PAYU", "DVP", "JUSTSEND", "P24")
PAYMENT_METHODS = ("TRANSFER", "BLIK", "CARD", "POINTS", "PROFORMA", "PBL", "UNKNOWN")
TRANSACTION_STATUSES = ("PENDING", "SUCCESS", "ERROR")
# The scalar fields of a transaction (6.2); the sandbox has one user and no invoicing, so those
# fields sort as the id does.
TRANSACTION_SORT = {
    "id": "id", "userId": "id", "transactionDate": "transaction_date", "amountInPoints": "amount_cp",
    "accountBalanceInPoints": "balance_after_cp", "transactionType": "transaction_type",
    "paymentProvider": "payment_provider", "paymentMethod": "payment_method",
    "transactionStatus": "transaction_status", "transactionError": "id", "internalTransactionId": "internal_id",
    "externalTransactionId": "external_id", "bulkId": "bulk_id", "platformType": "id", "version": "id",
    "createDate": "transaction_date", "modifiedDate": "transaction_date", "invoicingStatus": "id",
    "processingAttemptNumber": "id",
}
# A blacklist entry (10.2): id, msisdn, userId, country. (The manual's own example, sortField=2, is
# not a field: refused.)
BLACKLIST_SORT = {"id": "id", "msisdn": "msisdn", "userId": "user_id", "country": "country"}


def account_summary(app, request: Request):
    balance_cp, promo_cp = app.accounts.balances()
    return json_response({
        "id": ACCOUNT_ID,
        "accountBalance": from_cp(balance_cp),
        "promoPoints": from_cp(promo_cp),
        "pricingConfigs": [{"bulkVariant": variant, "priceInPoints": price} for variant, price in app.config.prices.items()],
    })


def pricing_config(app, request: Request):
    return json_response(list(app.config.prices))


def date_range(request: Request, start: str, end: str, *, required: bool) -> tuple[float | None, float | None]:
    values = []
    for name in (start, end):
        raw = request.args.get(name)
        if not raw:
            if required:
                raise bad_request(f"Required query parameter '{name}' is missing")
            values.append(None)
        else:
            values.append(rules.parse_datetime(raw, name).timestamp())
    return values[0], values[1]


def transaction_body(row) -> dict:
    amount_points = from_cp(row["amount_cp"])
    return {
        "id": row["id"],
        "userId": SANDBOX_USER_ID,
        "transactionDate": rules.iso(row["transaction_date"]),
        "transactionValue": {"amount": round(abs(amount_points) * POINT_VALUE_PLN, 2), "currency": "PLN"},
        "amountInPoints": amount_points,
        "accountBalanceInPoints": from_cp(row["balance_after_cp"]),
        "transactionType": row["transaction_type"],
        "paymentProvider": row["payment_provider"],
        "paymentMethod": row["payment_method"],
        "transactionStatus": row["transaction_status"],
        "transactionError": "NONE",
        "internalTransactionId": row["internal_id"],
        "externalTransactionId": row["external_id"],
        "bulkId": row["bulk_id"],
        "platformType": "PL",
        "version": 0,
        "createDate": rules.iso(row["transaction_date"]),
        "modifiedDate": rules.iso(row["transaction_date"]),
        "invoicingStatus": "INITIALIZE",
        "processingAttemptNumber": 0,
        "invoice": None,
    }


def transactions_list(app, request: Request):
    start, end = date_range(request, "startDate", "endDate", required=True)
    paging = Paging(request, default_size=25, sort_fields=TRANSACTION_SORT, default_order="transaction_date",
                    record="a transaction")
    filters = Filters()
    filters.between("transaction_date", start, end)
    for arg, column, allowed in (("paymentProvider", "payment_provider", PAYMENT_PROVIDERS),
                                 ("paymentMethod", "payment_method", PAYMENT_METHODS),
                                 ("transactionStatus", "transaction_status", TRANSACTION_STATUSES)):
        filters.equal(column, rules.choice(request.args.get(arg), allowed, arg, required=False))
    search = request.args.get("search")
    if search:
        if len(search) < 3:
            raise bad_request("Query parameter 'search' needs at least 3 characters")
        filters.add("(internal_id LIKE ? OR external_id LIKE ? OR CAST(id AS TEXT) = ?)", f"%{search}%", f"%{search}%", search)
    return page_response(app.store, paging, "transactions", filters, transaction_body)


# -- Mail2SMS -------------------------------------------------------------------------------

def auth_code_body(row) -> dict:
    body = {"id": row["id"], "code": row["code"], "senderOverride": row["sender_override"],
            "bulkVariant": row["bulk_variant"], "createDate": rules.iso(row["create_date"]),
            "updateDate": rules.iso(row["update_date"])}
    properties = json.loads(row["properties"] or "{}")
    if properties:
        body["properties"] = properties
    return body


def _auth_code_fields(data: dict, current=None) -> tuple[str | None, str, dict]:
    sender = data.get("senderOverride", current["sender_override"] if current else None)
    if sender is not None and (not isinstance(sender, str) or len(sender) > 64):
        raise bad_request("Field 'senderOverride' must be a string of at most 64 characters")
    variant = rules.choice(data.get("bulkVariant", current["bulk_variant"] if current else None), rules.VARIANTS, "bulkVariant")
    if variant == "FULL":
        rules.check_full_heading(sender or "", "senderOverride")
    raw_properties = data.get("properties", json.loads(current["properties"] or "{}") if current else None)
    return sender, variant, rules.check_variant_properties(variant, raw_properties, "properties")


def auth_codes_list(app, request: Request):
    rows = app.store.all("SELECT * FROM auth_codes ORDER BY create_date, rowid")
    return json_response([auth_code_body(row) for row in rows])


def auth_code_create(app, request: Request):
    sender, variant, properties = _auth_code_fields(json_body(request, expect=dict))
    now = app.clock.now()
    code_id = str(uuid.uuid4())
    with app.store.write() as conn:
        conn.execute(
            "INSERT INTO auth_codes (id, code, sender_override, bulk_variant, properties, create_date, update_date)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code_id, secrets.token_hex(4).upper(), sender, variant, json.dumps(properties), now, now),
        )
        row = conn.execute("SELECT * FROM auth_codes WHERE id = ?", (code_id,)).fetchone()
    return json_response(auth_code_body(row), status=201)


def _auth_code(conn, code_id: str):
    row = conn.execute("SELECT * FROM auth_codes WHERE id = ?", (code_id,)).fetchone()
    if row is None:
        raise not_found(f"Authorization code {code_id} not found")
    return row


def auth_code_update(app, request: Request, code_id: str):
    data = json_body(request, expect=dict)
    with app.store.write() as conn:
        current = _auth_code(conn, code_id)
        sender, variant, properties = _auth_code_fields(data, current)
        conn.execute(
            "UPDATE auth_codes SET sender_override = ?, bulk_variant = ?, properties = ?, update_date = ? WHERE id = ?",
            (sender, variant, json.dumps(properties), app.clock.now(), code_id),
        )
        row = _auth_code(conn, code_id)
    return json_response(auth_code_body(row))


def auth_code_delete(app, request: Request, code_id: str):
    with app.store.write() as conn:
        _auth_code(conn, code_id)
        conn.execute("DELETE FROM auth_codes WHERE id = ?", (code_id,))
    return no_content()


def whitelist_list(app, request: Request):
    rows = app.store.all("SELECT * FROM whitelist ORDER BY create_date, rowid")
    return json_response([{"id": row["id"], "email": row["email"], "createDate": rules.iso(row["create_date"])} for row in rows])


def whitelist_delete(app, request: Request, entry_id: str):
    with app.store.write() as conn:
        if conn.execute("DELETE FROM whitelist WHERE id = ?", (entry_id,)).rowcount == 0:
            raise not_found(f"Whitelist entry {entry_id} not found")
    return no_content()


# -- blacklist --------------------------------------------------------------------------------

def _blacklist_request(request: Request) -> tuple[str, list[str], list[str]]:
    country = rules.choice(query_required(request, "country"), rules.COUNTRIES, "country")
    data = json_body(request, expect=list)
    numbers, skipped = [], []
    for raw in data:
        msisdn = rules.normalise_msisdn(raw)
        (skipped.append(str(raw)) if msisdn is None else numbers.append(msisdn))
    return country, list(dict.fromkeys(numbers)), skipped


def blacklist_add(app, request: Request):
    country, numbers, skipped = _blacklist_request(request)
    if not numbers and skipped:
        raise bad_request(f"No valid MSISDN given; invalid: {', '.join(skipped[:10])}")
    now = app.clock.now()
    with app.store.write() as conn:
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO blacklist (msisdn, country, user_id, create_date) VALUES (?, ?, ?, ?)",
            [(n, country, SANDBOX_USER_ID, now) for n in numbers],
        )
        added = conn.total_changes - before
    return json_response({"added": added, "alreadyPresent": len(numbers) - added, "skipped": skipped})


def blacklist_list(app, request: Request):
    paging = Paging(request, default_size=25, sort_fields=BLACKLIST_SORT, default_order="id",
                    record="a blacklist entry")
    return page_response(app.store, paging, "blacklist", Filters(), lambda r: {
        "id": r["id"], "msisdn": r["msisdn"], "userId": r["user_id"], "country": r["country"]})


def blacklist_remove(app, request: Request):
    country, numbers, skipped = _blacklist_request(request)
    if skipped:
        raise bad_request(f"Invalid MSISDN: {', '.join(skipped[:10])}")
    with app.store.write() as conn:
        before = conn.total_changes
        conn.executemany("DELETE FROM blacklist WHERE msisdn = ? AND country = ?", [(n, country) for n in numbers])
        removed = conn.total_changes - before
    return json_response({"removed": removed})

