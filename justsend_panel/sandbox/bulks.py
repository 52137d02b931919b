"""Accepting bulks and single messages: validation, recipients, charging, and how they read back.

Readings of the manual (section 3):

* ``POST /sender/bulk/send`` and ``POST /upload/bulk`` answer ``201 {"id": "<uuid>"}``.
* Invalid numbers, blacklisted numbers, (for domestic variants) foreign numbers and (for INTER)
  numbers outside ``bulkProperties.country`` do not fail the request: they are left out, not
  charged, not counted in ``recipientsCount``, and listed by
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
* ``sendDate`` is required (400 without it): every example of 3.1 and 3.2 sends it and the
  manual never calls it optional. One not later than the request's arrival means now; "now"
  is read on the wall clock as well as on the sandbox's, since a manual clock is frozen at its
  start while a client sends its real submission time.
* CSV: ``;`` or ``,`` separated (detected from the first line), optional header line,
  columns ``msisdn[;content | ;param1;param2…]``, UTF-8 (a BOM is fine).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import json
import queue
import re
import sqlite3
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterator

from . import rules
from .accounts import POINT_VALUE_PLN, from_cp, to_cp
from .segments import count_segments
from .web import bad_request

_PLACEHOLDER = re.compile(r"\$(\d+)")
# Rows per write. Large: the writer thread waits for the interpreter lock (up to the 5 ms
# switch interval while the request thread parses) a few times per batch, not per row.
BATCH_SIZE = 25000
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
    if send_date is None or (isinstance(send_date, str) and not send_date.strip()):
        raise bad_request("Field 'sendDate' is required")
    send_at = rules.parse_datetime(send_date, "sendDate").timestamp()
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
        self.country_code = rules.calling_code(spec.properties["country"]) if spec.variant == "INTER" else None
        self.standard = spec.bulk_type == "STANDARD"
        self.voice = spec.variant == "VOICE"
        self.message_segments = 1 if self.voice or not spec.message else segments_of(spec.message)
        self.attempted = 0
        self.rows: list[tuple] = []
        self.invalid: list[tuple] = []
        self._writer: _BatchWriter | None = None

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
        self.invalid.append((str(raw)[:64], reason))

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
        if self.country_code is not None and not msisdn.startswith(self.country_code):
            return self._reject(msisdn, "OUTSIDE_COUNTRY")
        if text is self.spec.message:
            self.rows.append((msisdn, None, self.message_segments))
        else:
            self.rows.append((msisdn, text, 1 if self.voice else segments_of(text)))
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
            self._add_personalized_csv(stream)
        elif self.spec.bulk_type == "PARAMETRIZED":
            for row in csv_rows(stream):
                add(row[0], None, row[1:])
        else:
            for row in csv_rows(stream):
                add(row[0])

    def _add_personalized_csv(self, stream) -> None:
        """:meth:`add` for ``msisdn;content`` rows, inlined: the loop of a million-row upload.

        A row whose number is not a plain valid one, or that has no content, takes
        :meth:`add` (which rejects it with the reason); the rest is what :meth:`add` does.
        """
        # Texts differ per recipient: the segment cache would only miss and evict.
        add, match, blacklist, segments = self.add, rules.match_msisdn, self.blacklist, count_segments
        domestic_only, voice = self.domestic_only, self.voice
        rows = self.rows
        for row in csv_rows(stream):
            msisdn = row[0]
            content = row[1] if len(row) > 1 else None
            if self.country_code is not None:  # INTER: add() checks the country
                add(msisdn, content)
                rows = self.rows
                continue
            # What the number pattern accepts as a Polish number, checked without it.
            if not (len(msisdn) == 11 and msisdn.startswith("48") and msisdn.isascii()
                    and msisdn.isdigit() and content):
                found = match(msisdn)
                if found is None or not content or (domestic_only and found.group(1) is None):
                    add(row[0], content)
                    rows = self.rows  # add() may have flushed
                    continue
                msisdn = found.group(1) or found.group(2)
            self.attempted += 1
            if msisdn in blacklist:
                self._reject(msisdn, "BLACKLISTED")
                continue
            rows.append((msisdn, content, 1 if voice else segments(content)))
            if len(rows) >= BATCH_SIZE:
                self.flush()
                rows = self.rows

    def flush(self) -> None:
        """Hand the batch to the writer thread (started by the first full batch), or write it."""
        rows, invalid = self.rows, self.invalid
        self.rows, self.invalid = [], []
        if not rows and not invalid:
            return
        if self._writer is None and len(rows) + len(invalid) >= BATCH_SIZE:
            self._writer = _BatchWriter(self.conn, self.bulk_id)
        if self._writer is not None:
            self._writer.put(rows, invalid)
        else:
            _batch_write(self.conn, self.bulk_id, rows, invalid)

    def finish(self) -> None:
        """Write what is left and wait for the writer: the rows are all in when it returns."""
        self.flush()
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def abandon(self) -> None:
        """Stop the writer without waiting for the rest (the transaction is rolled back)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close(discard=True)


_RECIPIENTS_INSERT = (
    "INSERT OR IGNORE INTO recipients (bulk_id, msisdn, content, segments, status)"
    " SELECT ?, value ->> 0, value ->> 1, value ->> 2, 'PENDING' FROM json_each(?)"
)
_INVALID_INSERT = (
    "INSERT INTO invalid_recipients (bulk_id, msisdn, reason)"
    " SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)"
)


def _batch_write(conn: sqlite3.Connection, bulk_id: int, rows: list[tuple], invalid: list[tuple]) -> None:
    # One statement per batch over a JSON array, in order (ids follow the file): SQLite
    # does the whole batch inside one step, without the interpreter lock, so a writer
    # thread inserts while the request thread parses the next rows.
    if rows:
        conn.execute(_RECIPIENTS_INSERT, (bulk_id, json.dumps(rows, ensure_ascii=False)))
    if invalid:
        conn.execute(_INVALID_INSERT, (bulk_id, json.dumps(invalid, ensure_ascii=False)))


class _BatchWriter:
    """Writes the sink's batches on its connection, in order, in a thread of its own.

    The request thread keeps parsing (checks, segments) while SQLite inserts; at most
    ``DEPTH`` batches wait, so memory stays flat. The connection is used by this thread
    only until :meth:`close` returns: the request thread does not touch it meanwhile.
    """

    DEPTH = 2
    # While it runs, the interpreter hands the lock over every 0.2 ms instead of 5 ms: the
    # writer needs it briefly between batches and otherwise waits on the parsing thread
    # (measured: the writer idle 3.5 of 8.6 s at a million rows with the default).
    SWITCH_INTERVAL = 0.0002
    _STOP = None

    def __init__(self, conn: sqlite3.Connection, bulk_id: int):
        self.conn = conn
        self.bulk_id = bulk_id
        self.error: BaseException | None = None
        self.discard = False
        self.queue: queue.Queue = queue.Queue(maxsize=self.DEPTH)
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.switch_interval, self.SWITCH_INTERVAL))
        self.thread = threading.Thread(target=self._run, name="sandbox-bulk-writer", daemon=True)
        self.thread.start()

    def put(self, rows: list[tuple], invalid: list[tuple]) -> None:
        if self.error is not None:
            self._raise()
        self.queue.put((rows, invalid))

    def _run(self) -> None:
        while (item := self.queue.get()) is not self._STOP:
            if self.error is None and not self.discard:
                try:
                    _batch_write(self.conn, self.bulk_id, *item)
                except BaseException as error:  # noqa: BLE001 - handed to the request thread
                    self.error = error

    def close(self, *, discard: bool = False) -> None:
        self.discard = discard
        self.queue.put(self._STOP)
        self.thread.join()
        sys.setswitchinterval(self.switch_interval)
        if not discard and self.error is not None:
            self._raise()

    def _raise(self) -> None:
        raise self.error


CSV_CHUNK = 1 << 20


def _text_lines(binary_stream) -> Iterator[str]:
    """The upload's lines (ends kept, as ``newline=""`` reads them), a megabyte at a time.

    A text wrapper over the spooled upload asks the Python-level file whether it is closed
    once per line; slicing decoded megabytes at their last ``\n`` costs a third less.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    tail = ""
    while chunk := binary_stream.read(CSV_CHUNK):
        text = tail + decoder.decode(chunk)
        cut = text.rfind("\n") + 1
        tail = text[cut:]
        yield from io.StringIO(text[:cut], newline="")
    text = tail + decoder.decode(b"", final=True)
    if text:
        yield from io.StringIO(text, newline="")


def csv_rows(binary_stream) -> Iterator[list[str]]:
    """Rows of an uploaded CSV, read in large pieces from the (spooled) upload."""
    lines = _text_lines(binary_stream)
    first = next(lines, "")
    if not first:
        return
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter), [""])
    rows = csv.reader(lines if not header[0].strip().isdigit() else itertools.chain([first], lines), delimiter=delimiter)
    for row in rows:
        if row and row[0]:
            yield row


def _add_group_recipients(conn: sqlite3.Connection, bulk_id: int, spec: BulkSpec) -> int:
    """Members of ``spec.group_ids`` (SQL only, fast for big groups); returns how many were tried."""
    text = spec.message
    if not text:
        raise bad_request(f"Field 'message' is required to send a {spec.bulk_type} bulk to groups")
    unusable = ("(m.msisdn IN (SELECT msisdn FROM blacklist) OR (:domestic AND m.msisdn NOT LIKE '48%')"
                " OR (:prefix IS NOT NULL AND m.msisdn NOT LIKE :prefix || '%'))")
    prefix = rules.calling_code(spec.properties["country"]) if spec.variant == "INTER" else None
    params = {"bulk": bulk_id, "domestic": spec.variant in rules.DOMESTIC_VARIANTS, "prefix": prefix,
              "segments": 1 if spec.variant == "VOICE" else segments_of(text)}
    params.update({f"g{i}": gid for i, gid in enumerate(spec.group_ids)})
    groups = ",".join(f":g{i}" for i in range(len(spec.group_ids)))
    conn.execute(
        "INSERT INTO invalid_recipients (bulk_id, msisdn, reason) SELECT :bulk, m.msisdn,"
        " CASE WHEN m.msisdn IN (SELECT msisdn FROM blacklist) THEN 'BLACKLISTED'"
        " WHEN :domestic THEN 'FOREIGN_NUMBER' ELSE 'OUTSIDE_COUNTRY' END"
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
    due = now if spec.send_date is None or spec.send_date <= max(now, time.time()) else spec.send_date
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
        try:
            feed(sink)
            sink.finish()
        finally:
            sink.abandon()  # a refused request: the writer stops before the rollback
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
