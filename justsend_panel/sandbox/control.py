"""The control API under ``/_sandbox/`` (App-Key required, never subject to faults)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from werkzeug.wrappers import Request

from . import postbacks, rules
from .store import DATA_TABLES
from .web import bad_request, json_body, json_response, query_int


def _number(data: dict, key: str, *, low: float = 0, high: float | None = None) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise bad_request(f"'{key}' must be a number {bound}")
    return value


def clock_advance(app, request: Request):
    seconds = _number(json_body(request, expect=dict), "seconds")
    if seconds is None:
        raise bad_request("'seconds' is required")
    app.clock.advance(seconds)
    result = app.process_due()
    return json_response({"now": rules.iso(app.clock.now()), **result})


def faults(app, request: Request):
    if request.method == "POST":
        data = json_body(request, expect=dict)
        unknown = set(data) - {"rate_429", "retry_after", "rate_500", "latency_ms", "timeout"}
        if unknown:
            raise bad_request(f"Unknown fault switches: {sorted(unknown)}")
        checked = {}
        for key, high in (("rate_429", 1), ("rate_500", 1), ("retry_after", None), ("latency_ms", 60_000)):
            value = _number(data, key, high=high)
            if value is not None:
                checked[key] = value
        if (checked.get("rate_429", 0) + checked.get("rate_500", 0)) > 1:
            raise bad_request("rate_429 + rate_500 must not exceed 1")
        if "timeout" in data:
            if not isinstance(data["timeout"], bool):
                raise bad_request("'timeout' must be true or false")
            checked["timeout"] = data["timeout"]
        if "retry_after" in checked:
            checked["retry_after"] = int(checked["retry_after"])
        app.set_faults(checked)
    return json_response(app.faults)


def incoming(app, request: Request):
    data = json_body(request, expect=dict)
    msisdn = rules.require_msisdn(data.get("msisdn"))
    message = data.get("message")
    if not isinstance(message, str) or not message:
        raise bad_request("'message' is required")
    texts = {key: data.get(key) for key in ("sender", "prefix", "groupName", "email", "responseMessage")}
    if any(v is not None and not isinstance(v, str) for v in texts.values()):
        raise bad_request("sender, prefix, groupName, email and responseMessage must be strings")
    group_id = data.get("groupId")
    if group_id is not None and (isinstance(group_id, bool) or not isinstance(group_id, int)):
        raise bad_request("'groupId' must be an integer")
    for key, text in (("message", message), *texts.items()):
        try:
            (text or "").encode("utf-8")
        except UnicodeEncodeError:
            # JSON can carry "\ud800"; the sandbox's SQLite store cannot. Said, not a 500.
            raise bad_request(
                f"'{key}' holds a lone UTF-16 surrogate, which the sandbox cannot store; "
                "post such a reply to the panel's webhook directly (docs/reliability.md)"
            ) from None
    now = app.clock.now()
    with app.store.write() as conn:
        operator = conn.execute(f"SELECT {postbacks.operator_sql(':m')}", {"m": msisdn}).fetchone()[0]
        incoming_id = conn.execute(
            "INSERT INTO incoming (msisdn, sender, message, prefix, group_id, group_name, email, response_message,"
            " operator, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (msisdn, texts["sender"] or "4777", message, texts["prefix"], group_id, texts["groupName"],
             texts["email"], texts["responseMessage"], operator, now),
        ).lastrowid
        if app.dispatcher is not None:
            postbacks.enqueue_incoming(conn, incoming_id=incoming_id, now=now)
    result = app.process_due()
    return json_response({"id": incoming_id, **result}, status=201)


def balance(app, request: Request):
    data = json_body(request, expect=dict)
    new_balance, promo = _number(data, "balance"), _number(data, "promo")
    if new_balance is None and promo is None:
        raise bad_request("Give 'balance' and/or 'promo'")
    with app.store.write() as conn:
        app.accounts.set_balances(conn, balance=new_balance, promo=promo, now=app.clock.now())
    balance_cp, promo_cp = app.accounts.balances()
    return json_response({"balance": balance_cp / 100, "promo": promo_cp / 100})


def requests_log(app, request: Request):
    entries = app.requests_logged(request.args.get("path"))
    limit = query_int(request, "limit")
    if limit is not None:
        entries = entries[-limit:] if limit else []
    return json_response({"requests": entries})


def reset(app, request: Request):
    app.reset()
    return json_response({"reset": True})


def whitelist_add(app, request: Request):
    email = json_body(request, expect=dict).get("email")
    if not isinstance(email, str) or "@" not in email:
        raise bad_request("'email' must be an e-mail address")
    entry_id = str(uuid.uuid4())
    with app.store.write() as conn:
        conn.execute("INSERT INTO whitelist (id, email, create_date) VALUES (?, ?, ?)", (entry_id, email, app.clock.now()))
    return json_response({"id": entry_id, "email": email}, status=201)


def state(app, request: Request):
    counts = {table: app.store.scalar(f"SELECT COUNT(*) FROM {table}") for table in DATA_TABLES if table != "meta"}
    statuses = {row[0]: row[1] for row in app.store.all("SELECT status, COUNT(*) FROM bulks WHERE kind = 'BULK' GROUP BY status")}
    balance_cp, promo_cp = app.accounts.balances()
    return json_response({
        "counts": counts,
        "bulkStatuses": statuses,
        "balance": balance_cp / 100,
        "promo": promo_cp / 100,
        "clock": {"mode": app.config.clock, "now": rules.iso(app.clock.now())},
        "faults": app.faults,
        "postbackUrl": app.config.postback_url is not None,
    })


def smsmanager_messages(app, request: Request):
    """SMS Manager's messages and their statuses: ``{"statuses": {message_id: status}}``."""
    return json_response({"statuses": app.smsmanager.statuses()})


def justcall_messages(app, request: Request):
    """JustCall's messages and their statuses: ``{"statuses": {message_id: status}}``."""
    return json_response({"statuses": app.justcall.statuses()})


def smsmanager_reply(app, request: Request):
    """A recipient's reply to an SMS Manager message: ``{"message_id": "...", "text": "STOP"}``,
    or ``{"phone_number": "...", "text": "STOP"}`` for the latest message to that number (as
    Justsend's ``/incoming`` takes a number)."""
    data = json_body(request, expect=dict)
    message_id, number, text = data.get("message_id"), data.get("phone_number"), data.get("text")
    unknown = sorted(set(data) - {"message_id", "phone_number", "text"})
    if unknown:
        raise bad_request(f"Unknown fields: {unknown}")
    if (message_id is None) == (number is None):
        raise bad_request("Give 'message_id' or 'phone_number'")
    if number is not None:
        message_id = app.smsmanager.latest_message_to(number) if isinstance(number, str) else None
        if message_id is None:
            raise bad_request("'phone_number' must name a number an SMS Manager message was sent to")
    elif not isinstance(message_id, str) or not app.smsmanager.known(message_id):
        raise bad_request("'message_id' must name an SMS Manager message")
    if not isinstance(text, str) or not text:
        raise bad_request("'text' is required")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request("'text' holds a lone UTF-16 surrogate, which the sandbox cannot store") from None
    queued = app.smsmanager.reply(message_id, text)
    return json_response({"queued": queued, **app.process_due()}, status=201)


def smsby_messages(app, request: Request):
    """SMS.by's messages: ``{"messages": {sms_id: {"status", "channel", "phone"}}}``."""
    return json_response({"messages": app.smsby.statuses()})


def smsby_balance(app, request: Request):
    """Set SMS.by's balance: ``{"balance": 12.5}``."""
    amount = _number(json_body(request, expect=dict), "balance")
    if amount is None:
        raise bad_request("'balance' is required")
    app.smsby.set_balance(Decimal(str(amount)))
    return json_response({"balance": float(app.smsby.balance())})
