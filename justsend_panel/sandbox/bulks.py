"""Accepting bulks and single messages: validation, recipients, charging, and how they read back.

Readings of the manual (section 3):

* ``POST /sender/bulk/send`` and ``POST /upload/bulk`` answer ``201 {"id": "<uuid>"}``.
* Invalid numbers, blacklisted numbers and (for domestic variants) foreign numbers do not
  fail the request: they are left out, not charged, and listed by
  ``GET /overview/bulks/{uuid}/invalid-recipients``. Only a bulk left with no recipient at
  all is refused (400). Duplicates (also across ``recipients`` and ``groupIds``) are sent once.
* PERSONALIZED needs ``content`` on every listed recipient (400 otherwise); group members
  and CSV rows without it receive ``message`` / are reported as ``MISSING_CONTENT``.
* PARAMETRIZED: the template is the recipient's ``content`` or else ``message``; values for
  ``$1..$n`` come from the recipient's ``params`` (or ``parameters``) list in JSON and from
  the columns after the number in a CSV file. A placeholder without a value stays as it is
  (the manual's own example sends templates without values).
* Charging: variant price × SMS parts of each recipient's text; VOICE is a call, priced per
  recipient. A short balance refuses the bulk with 400 and code ``INSUFFICIENT_FUNDS``
  (the manual lists no 402).
* A ``sendDate`` in the past, or none, means now.
* CSV: ``;`` or ``,`` separated (detected from the first line), optional header line,
  columns ``msisdn[;content | ;param1;param2…]``, UTF-8 (a BOM is fine).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterator

from . import rules
from .accounts import POINT_VALUE_PLN, from_cp, to_cp
from .segments import count_segments
from .web import bad_request

_PLACEHOLDER = re.compile(r"\$(\d+)")
BATCH_SIZE = 5000
SANDBOX_USER_ID = 1001  # the one account the sandbox simulates


@dataclass
class BulkSpec:
    name: str | None
    bulk_type: str
    variant: str
    sender: str
    message: str | None
    send_date: float | None = None
    properties: dict = field(default_factory=dict)
    group_ids: list[int] = field(default_factory=list)


def _group_ids(raw: object) -> list[int]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise bad_request("Field 'groupIds' must be a list of group ids")
    ids = []
    for item in items:
        try:
            ids.append(int(str(item).strip()))
        except ValueError:
            raise bad_request(f"Invalid group id '{item}'") from None
    return list(dict.fromkeys(ids))


def parse_bulk_spec(data: dict) -> BulkSpec:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Field 'name' is required")
    bulk_type = rules.choice(data.get("bulkType"), rules.BULK_TYPES, "bulkType")
    variant = rules.choice(data.get("bulkVariant"), rules.VARIANTS, "bulkVariant")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        raise bad_request("Field 'message' must be a string")
    if bulk_type == "STANDARD" and not (message or "").strip():
        raise bad_request("Field 'message' is required for STANDARD bulks")
    send_date = data.get("sendDate")
    send_at = rules.parse_datetime(send_date, "sendDate").timestamp() if isinstance(send_date, str) and send_date.strip() else None
    if send_date is not None and not isinstance(send_date, str):
        raise bad_request("Field 'sendDate' must be an ISO 8601 date-time")
    return BulkSpec(
        name=name.strip(),
        bulk_type=bulk_type,
        variant=variant,
        sender=rules.check_sender(variant, data.get("sender")),
        message=message or None,
        send_date=send_at,
        properties=rules.check_variant_properties(variant, data.get("bulkProperties"), "bulkProperties"),
        group_ids=_group_ids(data.get("groupIds")),
    )


def render(template: str, params: list[str]) -> str:
    def value(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return str(params[index]) if 0 <= index < len(params) else match.group(0)

    return _PLACEHOLDER.sub(value, template) if params else template


segments_of = functools.lru_cache(maxsize=8192)(count_segments)


class RecipientSink:
    """Takes recipients one by one, checks them and writes them in batches.

    ``strict``: a PERSONALIZED recipient without content fails the request (JSON bodies)
    instead of being reported invalid (CSV rows). ``reject_invalid``: any unusable number
    fails the request (single messages).
    """

    def __init__(self, conn: sqlite3.Connection, *, bulk_id: int, spec: BulkSpec, strict: bool, reject_invalid: bool = False):
        self.conn = conn
        self.bulk_id = bulk_id
        self.spec = spec
        self.strict = strict
        self.reject_invalid = reject_invalid
        self.blacklist = {row[0] for row in conn.execute("SELECT msisdn FROM blacklist")}
        self.domestic_only = spec.variant in rules.DOMESTIC_VARIANTS
        self.standard = spec.bulk_type == "STANDARD"
        self.voice = spec.variant == "VOICE"
        self.message_segments = 1 if self.voice or not spec.message else segments_of(spec.message)
        self.attempted = 0
        self.rows: list[tuple] = []
        self.invalid: list[tuple] = []

    def _text(self, content: object, params: list[str] | None) -> str | None:
        if content is not None and not isinstance(content, str):
            raise bad_request("Recipient 'content' must be a string")
        content = content or None
        if self.spec.bulk_type == "STANDARD":
            return self.spec.message
        if self.spec.bulk_type == "PERSONALIZED":
            return content
        template = content or self.spec.message
        return render(template, params or []) if template else None

    def _reject(self, raw: object, reason: str) -> None:
        if self.reject_invalid:
            raise bad_request(f"Recipient '{raw}' cannot receive this message: {reason}", code=reason)
        self.invalid.append((self.bulk_id, str(raw)[:64], reason))

    def add(self, raw_msisdn: object, content: object = None, params: list[str] | None = None) -> None:
        # The hot path of a million-row upload: one regex, a set lookup, a tuple.
        self.attempted += 1
        match = rules.match_msisdn(raw_msisdn) if isinstance(raw_msisdn, str) else None
        if match is None:
            msisdn = rules.normalise_msisdn(raw_msisdn)  # an int is fine too
            if msisdn is None:
                return self._reject(raw_msisdn, "INVALID_MSISDN")
            match = rules.match_msisdn(msisdn)
        msisdn = match.group(1) or match.group(2)
        if self.standard:
            text = self.spec.message
        else:
            text = self._text(content, params)
            if not text:
                if self.strict:
                    raise bad_request(f"Recipient {msisdn}: 'content' is required for {self.spec.bulk_type} bulks")
                return self._reject(msisdn, "MISSING_CONTENT")
        if msisdn in self.blacklist:
            return self._reject(msisdn, "BLACKLISTED")
        if self.domestic_only and match.group(1) is None:
            return self._reject(msisdn, "FOREIGN_NUMBER")
        if text is self.spec.message:
            self.rows.append((self.bulk_id, msisdn, None, self.message_segments))
        else:
            self.rows.append((self.bulk_id, msisdn, text, 1 if self.voice else segments_of(text)))
        if len(self.rows) >= BATCH_SIZE:
            self.flush()

    def add_json_recipients(self, recipients: object) -> None:
        if recipients is None:
            return
        if not isinstance(recipients, list):
            raise bad_request("Field 'recipients' must be a list")
        for item in recipients:
            if not isinstance(item, dict):
                raise bad_request("Each recipient must be an object with 'msisdn'")
            params = item.get("params", item.get("parameters"))
            if params is not None and not isinstance(params, list):
                raise bad_request("Recipient 'params' must be a list")
            self.add(item.get("msisdn"), item.get("content"), [str(p) for p in params] if params else None)

    def add_csv(self, stream) -> None:
        add = self.add
        if self.spec.bulk_type == "PERSONALIZED":
            for row in csv_rows(stream):
                add(row[0], row[1] if len(row) > 1 else None)
        elif self.spec.bulk_type == "PARAMETRIZED":
            for row in csv_rows(stream):
                add(row[0], None, row[1:])
        else:
            for row in csv_rows(stream):
                add(row[0])

    def flush(self) -> None:
        if self.rows:
            self.conn.executemany(
                "INSERT OR IGNORE INTO recipients (bulk_id, msisdn, content, segments, status) VALUES (?, ?, ?, ?, 'PENDING')",
                self.rows,
            )
            self.rows = []
        if self.invalid:
            self.conn.executemany("INSERT INTO invalid_recipients (bulk_id, msisdn, reason) VALUES (?, ?, ?)", self.invalid)
            self.invalid = []


def csv_rows(binary_stream) -> Iterator[list[str]]:
    """Rows of an uploaded CSV, read line by line from the (spooled) upload."""
    text = io.TextIOWrapper(binary_stream, encoding="utf-8-sig", newline="", errors="replace")
    try:
        first = text.readline()
        if not first:
            return
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), [""])
        rows = csv.reader(text if not header[0].strip().isdigit() else itertools.chain([first], text), delimiter=delimiter)
        for row in rows:
            if row and row[0]:
                yield row
    finally:
        text.detach()


def _add_group_recipients(conn: sqlite3.Connection, bulk_id: int, spec: BulkSpec) -> int:
    """Members of ``spec.group_ids`` (SQL only, fast for big groups); returns how many were tried."""
    text = spec.message
    if not text:
        raise bad_request(f"Field 'message' is required to send a {spec.bulk_type} bulk to groups")
    unusable = "(m.msisdn IN (SELECT msisdn FROM blacklist) OR (:domestic AND m.msisdn NOT LIKE '48%'))"
    params = {"bulk": bulk_id, "domestic": spec.variant in rules.DOMESTIC_VARIANTS,
              "segments": 1 if spec.variant == "VOICE" else segments_of(text)}
    params.update({f"g{i}": gid for i, gid in enumerate(spec.group_ids)})
    groups = ",".join(f":g{i}" for i in range(len(spec.group_ids)))
    conn.execute(
        "INSERT INTO invalid_recipients (bulk_id, msisdn, reason) SELECT :bulk, m.msisdn,"
        " CASE WHEN m.msisdn IN (SELECT msisdn FROM blacklist) THEN 'BLACKLISTED' ELSE 'FOREIGN_NUMBER' END"
        f" FROM group_members m WHERE m.group_id IN ({groups}) AND {unusable} GROUP BY m.msisdn",
        params,
    )
    conn.execute(
        "INSERT OR IGNORE INTO recipients (bulk_id, msisdn, content, segments, status)"
        f" SELECT :bulk, m.msisdn, NULL, :segments, 'PENDING' FROM group_members m"
        f" WHERE m.group_id IN ({groups}) AND NOT {unusable} ORDER BY m.id",
        params,
    )
    return conn.execute(f"SELECT COUNT(*) FROM group_members WHERE group_id IN ({groups})", params).fetchone()[0]


def submit(ctx, spec: BulkSpec, feed: Callable[[RecipientSink], None], *, kind: str = "BULK",
           strict: bool = True, reject_invalid: bool = False,
           after: Callable[[sqlite3.Connection, sqlite3.Row], None] | None = None) -> sqlite3.Row:
    """Store a bulk with its recipients and charge for it, all in one transaction."""
    now = ctx.clock.now()
    due = max(spec.send_date or now, now)
    price_cp = to_cp(ctx.config.prices[spec.variant])
    with ctx.store.write() as conn:
        for group_id in spec.group_ids:
            if conn.execute("SELECT 1 FROM groups WHERE id = ?", (group_id,)).fetchone() is None:
                raise bad_request(f"Group {group_id} does not exist")
        bulk_id = conn.execute(
            "INSERT INTO bulks (uuid, kind, name, bulk_type, variant, status, sender, message, properties,"
            " send_date, due_at, create_date, price_cp) VALUES (?, ?, ?, ?, ?, 'SUBMITTING', ?, ?, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), kind, spec.name, spec.bulk_type, spec.variant, spec.sender, spec.message,
             json.dumps(spec.properties), spec.send_date, due, now, price_cp),
        ).lastrowid
        before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM recipients").fetchone()[0]
        sink = RecipientSink(conn, bulk_id=bulk_id, spec=spec, strict=strict, reject_invalid=reject_invalid)
        feed(sink)
        sink.flush()
        attempted = sink.attempted + (_add_group_recipients(conn, bulk_id, spec) if spec.group_ids else 0)
        first, last, count, segments = conn.execute(
            "SELECT MIN(id), MAX(id), COUNT(*), COALESCE(SUM(segments), 0) FROM recipients WHERE id > ?", (before,)
        ).fetchone()
        invalid = conn.execute("SELECT COUNT(*) FROM invalid_recipients WHERE bulk_id = ?", (bulk_id,)).fetchone()[0]
        if count == 0:
            raise bad_request("No valid recipients: every number is invalid, blacklisted or missing", code="NO_RECIPIENTS")
        cost_cp = price_cp * (count if spec.variant == "VOICE" else segments)
        promo_cp = ctx.accounts.charge(
            conn, cost_cp, now=now, bulk_id=bulk_id, kind="BULK_PAYMENT" if kind == "BULK" else "SINGLE_MESSAGE_PAYMENT"
        )
        conn.execute(
            "UPDATE bulks SET status = 'TO_SEND', first_rid = ?, last_rid = ?, recipients_count = ?, total_segments = ?,"
            " invalid_count = ?, duplicate_count = ?, charged_cp = ?, charged_promo_cp = ? WHERE id = ?",
            (first, last, count, segments, invalid, attempted - count - invalid, cost_cp, promo_cp, bulk_id),
        )
        bulk = conn.execute("SELECT * FROM bulks WHERE id = ?", (bulk_id,)).fetchone()
        if after is not None:
            after(conn, bulk)
    return bulk


# -- how bulks and messages read back ---------------------------------------------------------

ACK_STATUS = {"PENDING": "PENDING", "SENT": "SENT", "DELIVERED": "DELIVERED", "UNDELIVERED": "UNDELIVERED",
              "EXPIRED": "EXPIRED", "CANCELLED": "CANCELLED"}


def _money(points_cp: int) -> dict:
    return {"amount": round(points_cp / 100 * POINT_VALUE_PLN, 2), "currency": "PLN"}


def bulk_body(bulk: sqlite3.Row, config) -> dict:
    properties = json.loads(bulk["properties"] or "{}")
    charged_cp = bulk["charged_cp"] - bulk["refunded_cp"]
    reported = bulk["delivered_count"] + bulk["undelivered_count"] + bulk["expired_count"]
    start = bulk["started_at"] if bulk["started_at"] is not None else bulk["due_at"] + config.start_after
    return {
        "id": bulk["id"],
        "userId": SANDBOX_USER_ID,
        "userEmail": "sandbox@justsend.local",
        "userAccountType": "MASTER",
        "userMasterId": None,
        "userPlatformType": "PL",
        "name": bulk["name"],
        "uuid": bulk["uuid"],
        "bulkType": bulk["bulk_type"],
        "bulkVariant": bulk["variant"],
        "bulkStatus": bulk["status"],
        "sender": bulk["sender"],
        "message": bulk["message"],
        "bulkProperties": properties,
        "chargedPoints": from_cp(charged_cp),
        "sendDate": rules.iso(bulk["due_at"]),
        "sendEndDate": rules.iso(bulk["end_at"]),
        "createDate": rules.iso(bulk["create_date"]),
        "totalMessageCount": bulk["total_segments"],
        "recipientsCount": bulk["recipients_count"],
        "sentCount": bulk["sent_count"],
        "deliveredCount": bulk["delivered_count"],
        "sentUnconfirmedCount": bulk["sent_count"] - reported,
        "undeliveredCount": bulk["undelivered_count"],
        "expiredCount": bulk["expired_count"],
        "notSentCount": bulk["recipients_count"] - bulk["sent_count"],
        "cancelledCount": bulk["cancelled_count"],
        "invalidRecipientsCount": bulk["invalid_count"],
        "duplicateRecipientsCount": bulk["duplicate_count"],
        "predictedFinishDate": rules.iso(start + config.send_duration + config.delivery_after),
        "pointsPerSms": from_cp(bulk["price_cp"]),
        "reportId": None,
        "reportStatus": "FINISHED" if bulk["status"] in ("FINISHED", "CANCELED") else "IN_PROGRESS",
        "cost": _money(charged_cp)["amount"],
        "currency": "PLN",
        "prefix": None,
        "country": properties.get("country", "POLAND"),
        "bulkCostInPoints": from_cp(bulk["charged_cp"]),
        "bulkInsufficientPoints": 0,
        "bulkInsufficientCost": {"amount": 0, "currency": "PLN"},
    }


def message_body(row: sqlite3.Row) -> dict:
    """A single message (``GET /sender/singlemessage/{id}``) from a recipient row joined with its bulk."""
    charged_cp = row["segments"] * row["price_cp"] if row["variant"] != "VOICE" else row["price_cp"]
    return {
        "id": str(row["id"]),
        "uuid": row["uuid"],
        "msisdn": row["msisdn"],
        "content": row["content"] or row["message"],
        "sender": row["sender"],
        "bulkVariant": row["variant"],
        "acknowledgeStatus": ACK_STATUS[row["status"]],
        "sendDate": rules.iso(row["sent_at"] if row["sent_at"] is not None else row["due_at"]),
        "deliveryDate": rules.iso(row["final_at"]) if row["status"] == "DELIVERED" else None,
        "chargedPoints": from_cp(charged_cp),
        "messageCount": row["segments"],
        "transactionValue": _money(charged_cp),
    }


MESSAGE_COLUMNS = "r.*, b.uuid, b.name, b.sender, b.message, b.variant, b.price_cp, b.due_at, b.kind"
MESSAGE_SOURCE = "recipients r JOIN bulks b ON b.id = r.bulk_id"
MESSAGE_SELECT = f"SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_SOURCE}"
