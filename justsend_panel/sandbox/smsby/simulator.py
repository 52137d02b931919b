"""SMS.by's state and lifecycle in the sandbox's SQLite store (it survives a restart).

A mailing (``sendBulkSms``, ``createSmsMessage``, ``sendSmsList``) is a row of
``smsby_mailings``; each message to a number (a mailing's recipient, ``sendQuickSMS``,
a verification code, ``sendSMS``) a row of ``smsby_sms``, whose id is its ``sms_id`` /
``delivery_id``. A message is ``new`` when accepted, ``sent`` ``start_after`` seconds after
it is due and final ``delivery_after`` seconds later (``delivered``, ``undelivered`` or
``expired`` by the sandbox's delivery mix, picked from the row id and the seed). A number
the sandbox's MSISDN rule refuses is ``rejected`` at once.

Viber forwarding (``sendQuickSMS`` with ``forwarding_message=1``): an SMS that would not be
delivered stays ``sent`` until ``forwarding_time`` minutes after it was sent, then goes by
Viber and is ``delivered`` (``channel`` ``viber``). SMS never reaches
:data:`UNREACHABLE_BY_SMS` (whatever the mix says): a test sends there to see the forwarding
of one message, or an undelivered SMS, for sure. Every message costs
:data:`PRICE_PER_PART` per part, charged from the simulator's balance when it is accepted;
a list mailing is charged when confirmed (400 when the balance is short).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from .. import rules
from ..config import SandboxConfig
from ..lifecycle import Clock, delivery_status_sql
from ..segments import count_segments
from ..store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS smsby_mailings (
    id INTEGER PRIMARY KEY, uuid TEXT, kind TEXT NOT NULL, name TEXT, text TEXT,
    alphaname_id INTEGER, message_type TEXT, list_id INTEGER, confirmed INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL, schedule_at REAL);
CREATE INDEX IF NOT EXISTS smsby_mailings_uuid ON smsby_mailings (uuid);
CREATE TABLE IF NOT EXISTS smsby_sms (
    id INTEGER PRIMARY KEY, mailing_id INTEGER, kind TEXT NOT NULL, phone TEXT NOT NULL, text TEXT NOT NULL,
    parts INTEGER NOT NULL, status TEXT NOT NULL, channel TEXT NOT NULL, due_at REAL NOT NULL,
    sent_at REAL, final_at REAL, changed_at REAL NOT NULL, forwarding_time INTEGER, vibername_id INTEGER);
CREATE INDEX IF NOT EXISTS smsby_sms_status ON smsby_sms (status, due_at);
CREATE INDEX IF NOT EXISTS smsby_sms_mailing ON smsby_sms (mailing_id, id);
"""
TABLES = ("smsby_mailings", "smsby_sms")
PRICE_PER_PART = Decimal("0.026")  # 718.406 for 27,631 parts in the manual's getSMSMessages example
STARTING_BALANCE = Decimal("1000.00")
MINSK = ZoneInfo("Europe/Minsk")
# SMS.by's contact lists (getSubscriberLists is not in the manual): the sandbox has these.
SUBSCRIBER_LISTS = {1: ("375291111111", "375292222222", "375293333333")}
# SMS never reaches this number: undelivered, or forwarded to Viber when asked for.
UNREACHABLE_BY_SMS = "375291230404"
OTP_KINDS = {"telegram": "otp_telegram", "whatsapp": "otp_whatsapp"}


def minsk_text(epoch: float | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, MINSK).strftime(fmt)


class SmsBySimulator:
    def __init__(self, *, store: Store, clock: Clock, config: SandboxConfig):
        self.store = store
        self.clock = clock
        self.config = config
        store.conn.executescript(SCHEMA)
        final_sql, _, _ = delivery_status_sql(config, "id")
        by_mix = f"lower(substr({final_sql}, 9))"  # MESSAGE_DELIVERED -> delivered
        self.final_sql = f"(CASE WHEN phone = '{UNREACHABLE_BY_SMS}' THEN 'undelivered' ELSE {by_mix} END)"

    # -- money ------------------------------------------------------------------------------------

    def balance(self) -> Decimal:
        return Decimal(self.store.get_meta("smsby_balance", str(STARTING_BALANCE)))

    def set_balance(self, amount: Decimal) -> None:
        with self.store.write() as conn:
            self.store.set_meta(conn, "smsby_balance", str(amount))

    def _charge(self, conn, parts: int) -> Decimal:
        cost = PRICE_PER_PART * parts
        balance = Decimal(self.store.get_meta("smsby_balance", str(STARTING_BALANCE)))
        self.store.set_meta(conn, "smsby_balance", str(balance - cost))
        return cost

    # -- accepting --------------------------------------------------------------------------------

    def _insert_sms(self, conn, *, mailing_id, kind, phone, text, due, now, channel="sms",
                    forwarding_time=None, vibername_id=None) -> tuple[int, int]:
        parts = count_segments(text)
        status = "new" if rules.normalise_msisdn(phone) == phone else "rejected"
        row = conn.execute(
            "INSERT INTO smsby_sms (mailing_id, kind, phone, text, parts, status, channel, due_at, changed_at,"
            " final_at, forwarding_time, vibername_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (mailing_id, kind, phone, text, parts, status, channel, due, now, now if status == "rejected" else None,
             forwarding_time, vibername_id),
        ).lastrowid
        return row, parts if status == "new" else 0

    def accept_bulk(self, mailings: list[dict], uuid: str) -> None:
        now = self.clock.now()
        with self.store.write() as conn:
            for mailing in mailings:
                mailing_id = conn.execute(
                    "INSERT INTO smsby_mailings (uuid, kind, name, text, alphaname_id, message_type, created_at,"
                    " schedule_at) VALUES (?, 'bulk', ?, ?, ?, ?, ?, ?)",
                    (uuid, mailing["name"], mailing.get("text"), mailing["alphaname_id"], mailing["message_type"],
                     now, mailing["schedule_at"]),
                ).lastrowid
                due = max(now, mailing["schedule_at"] or now)
                parts = 0
                for phone, text in mailing["recipients"]:
                    parts += self._insert_sms(conn, mailing_id=mailing_id, kind="bulk", phone=phone, text=text,
                                              due=due, now=now)[1]
                self._charge(conn, parts)

    def accept_single(self, *, kind: str, phone: str, text: str, mailing_id: int | None = None,
                      forwarding_time: int | None = None, vibername_id: int | None = None,
                      channel: str = "sms", due: float | None = None) -> dict:
        now = self.clock.now()
        with self.store.write() as conn:
            sms_id, parts = self._insert_sms(conn, mailing_id=mailing_id, kind=kind, phone=phone, text=text,
                                             due=max(now, due or now), now=now, channel=channel,
                                             forwarding_time=forwarding_time, vibername_id=vibername_id)
            cost = self._charge(conn, parts)
        status = self.store.scalar("SELECT status FROM smsby_sms WHERE id = ?", (sms_id,))
        return {"sms_id": sms_id, "status": status.upper(), "parts": count_segments(text), "cost": cost}

    def create_message(self, *, kind: str, name: str | None, text: str, alphaname_id: int | None,
                       schedule_at: float | None, list_id: int | None = None) -> int:
        with self.store.write() as conn:
            return conn.execute(
                "INSERT INTO smsby_mailings (kind, name, text, alphaname_id, list_id, confirmed, created_at,"
                " schedule_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, name, text, alphaname_id, list_id, 0 if kind == "list" else 1, self.clock.now(), schedule_at),
            ).lastrowid

    def mailing(self, mailing_id: int, kind: str | None = None):
        row = self.store.one("SELECT * FROM smsby_mailings WHERE id = ?", (mailing_id,))
        return row if row is not None and (kind is None or row["kind"] == kind) else None

    def list_offer(self, mailing) -> dict:
        phones = SUBSCRIBER_LISTS[mailing["list_id"]]
        parts = count_segments(mailing["text"]) * len(phones)
        return {"message_id": mailing["id"], "count_phones": len(phones), "parts": parts,
                "cost": f"{PRICE_PER_PART * parts:.5f}", "balance": f"{self.balance():.5f}",
                "status": "confirmed" if mailing["confirmed"] else "new"}

    def confirm_list(self, mailing) -> bool:
        """Queue a list mailing's messages; False when the balance does not cover it."""
        offer = self.list_offer(mailing)
        if mailing["confirmed"]:
            return True
        if Decimal(offer["cost"]) > self.balance():
            return False
        now = self.clock.now()
        with self.store.write() as conn:
            conn.execute("UPDATE smsby_mailings SET confirmed = 1 WHERE id = ?", (mailing["id"],))
            parts = 0
            for phone in SUBSCRIBER_LISTS[mailing["list_id"]]:
                parts += self._insert_sms(conn, mailing_id=mailing["id"], kind="list", phone=phone,
                                          text=mailing["text"], due=max(now, mailing["schedule_at"] or now),
                                          now=now)[1]
            self._charge(conn, parts)
        return True

    # -- reading ----------------------------------------------------------------------------------

    def bulk_status(self, uuid: str) -> list[dict] | None:
        mailings = self.store.all("SELECT * FROM smsby_mailings WHERE uuid = ? ORDER BY id", (uuid,))
        if not mailings:
            return None
        answer = []
        for mailing in mailings:
            rows = self.store.all("SELECT * FROM smsby_sms WHERE mailing_id = ? ORDER BY id", (mailing["id"],))
            answer.append({
                "message_id": mailing["id"], "name": mailing["name"], "alphaname_id": mailing["alphaname_id"],
                "success": [{"delivery_id": r["id"], "phone": r["phone"], "status": r["status"].upper(),
                             "status_time": minsk_text(r["changed_at"], "%Y-%m-%d %H:%M:%S.%f")} for r in rows],
            })
        return answer

    def sms(self, sms_id: int):
        return self.store.one("SELECT * FROM smsby_sms WHERE id = ?", (sms_id,))

    def deliveries(self, mailing_id: int, offset: int, rows: int | None) -> list[dict]:
        limit = -1 if rows is None else rows
        found = self.store.all("SELECT * FROM smsby_sms WHERE mailing_id = ? ORDER BY id LIMIT ? OFFSET ?",
                               (mailing_id, limit, offset))
        return [{"phone": int(r["phone"]), "status": r["status"], "d_sent": minsk_text(r["sent_at"])} for r in found]

    def messages_list(self, offset: int, rows: int | None) -> list[dict]:
        limit = -1 if rows is None else rows
        found = self.store.all("SELECT * FROM smsby_mailings WHERE kind IN ('created', 'list') ORDER BY id"
                               " LIMIT ? OFFSET ?", (limit, offset))
        return [{"message_id": m["id"], "message": m["text"], "parts": count_segments(m["text"]),
                 "d_create": minsk_text(m["created_at"]), "status": "moderated"} for m in found]

    def mailing_summary(self, mailing) -> dict:
        counts = self.store.one(
            "SELECT COUNT(*) AS phones, COALESCE(SUM(parts), 0) AS parts,"
            " COALESCE(SUM(status = 'delivered'), 0) AS delivered, COALESCE(SUM(status IN ('new', 'sent')), 0) AS open,"
            " COALESCE(SUM(status = 'new'), 0) AS fresh"
            " FROM smsby_sms WHERE mailing_id = ?", (mailing["id"],))
        charged_parts = self.store.scalar(
            "SELECT COALESCE(SUM(parts), 0) FROM smsby_sms WHERE mailing_id = ? AND status != 'rejected'",
            (mailing["id"],))
        if counts["phones"] and not counts["open"]:
            status = "DONE"
        elif counts["phones"] and counts["fresh"] < counts["phones"]:
            status = "SENDING"
        else:
            status = "NEW"
        return {
            "id": mailing["id"], "name": mailing["name"], "d_create": int(mailing["created_at"]),
            "d_schedule": int(mailing["schedule_at"] or mailing["created_at"]),
            "type": "API", "parts": str(counts["parts"]), "count_phones": counts["phones"], "status": status,
            "sms_delivered": str(counts["delivered"]), "cost": f"{PRICE_PER_PART * charged_parts:.5f}",
            "alphaname": f"alpha-{mailing['alphaname_id']}" if mailing["alphaname_id"] else "system",
        }

    def mailings(self) -> list[dict]:
        """Every mailing that sends to numbers (every one the sandbox keeps is made through the API)."""
        return [self.mailing_summary(m) for m in self.store.all(
            "SELECT * FROM smsby_mailings WHERE kind IN ('bulk', 'list', 'created') ORDER BY id")]

    def statuses(self) -> dict[str, dict]:
        """sms_id -> {status, channel, phone}, for tests and the control API."""
        return {str(r["id"]): {"status": r["status"], "channel": r["channel"], "phone": r["phone"]}
                for r in self.store.all("SELECT id, status, channel, phone FROM smsby_sms ORDER BY id")}

    # -- the lifecycle ----------------------------------------------------------------------------

    def step(self, now: float | None = None) -> bool:
        now = self.clock.now() if now is None else now
        start, deliver = self.config.start_after, self.config.delivery_after
        with self.store.write() as conn:
            changed = conn.execute(
                "UPDATE smsby_sms SET status = 'sent', sent_at = due_at + :start, changed_at = due_at + :start"
                " WHERE status = 'new' AND due_at + :start <= :now", {"start": start, "now": now}).rowcount
            # A message that forwards to Viber is final by SMS only when delivered by SMS.
            changed += conn.execute(
                f"UPDATE smsby_sms SET status = {self.final_sql}, final_at = sent_at + :d, changed_at = sent_at + :d"
                f" WHERE status = 'sent' AND sent_at + :d <= :now"
                f" AND (forwarding_time IS NULL OR {self.final_sql} = 'delivered')",
                {"d": deliver, "now": now}).rowcount
            changed += conn.execute(
                "UPDATE smsby_sms SET status = 'delivered', channel = 'viber',"
                " final_at = sent_at + forwarding_time * 60, changed_at = sent_at + forwarding_time * 60"
                " WHERE status = 'sent' AND forwarding_time IS NOT NULL AND sent_at + forwarding_time * 60 <= :now",
                {"now": now}).rowcount
        return changed > 0

    def reset(self) -> None:
        with self.store.write() as conn:
            for table in TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM meta WHERE key = 'smsby_balance'")
