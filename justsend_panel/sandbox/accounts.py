"""Points: the balance and promo points, charges, refunds and the transaction rows they leave.

Transaction rows (``GET /payment/transaction``): the manual's example only shows a PayU
``CHARGE`` (a top-up), so the sandbox names the rest itself: ``BULK_PAYMENT`` /
``SINGLE_MESSAGE_PAYMENT`` for sending (negative ``amountInPoints``), ``BULK_REFUND`` for a
cancellation (positive) and ``CHARGE`` for a balance set through the control API; all with
``paymentProvider=JUSTSEND``, ``paymentMethod=POINTS`` (``PROFORMA`` for the top-up) and
``transactionStatus=SUCCESS``. Promo points are spent before the account balance, and a
refund gives back promo points first up to what the bulk took from them.
"""

from __future__ import annotations

import sqlite3
import uuid

from .store import Store
from .web import ApiError

POINT_VALUE_PLN = 0.01  # one point is one grosz, so ``cost`` in PLN is points / 100


def to_cp(points: float) -> int:
    return int(round(float(points) * 100))


def from_cp(cp: int) -> float:
    return round(cp / 100, 2)


class Accounts:
    def __init__(self, store: Store, *, starting_balance: float, starting_promo: float):
        self.store = store
        self.starting_balance = starting_balance
        self.starting_promo = starting_promo
        if store.get_meta("balance_cp") is None:
            with store.write() as conn:
                self.reset(conn)

    def reset(self, conn: sqlite3.Connection) -> None:
        self.store.set_meta(conn, "balance_cp", str(to_cp(self.starting_balance)))
        self.store.set_meta(conn, "promo_cp", str(to_cp(self.starting_promo)))

    def balances(self) -> tuple[int, int]:
        return int(self.store.get_meta("balance_cp", "0")), int(self.store.get_meta("promo_cp", "0"))

    def _save(self, conn: sqlite3.Connection, balance_cp: int, promo_cp: int) -> None:
        self.store.set_meta(conn, "balance_cp", str(balance_cp))
        self.store.set_meta(conn, "promo_cp", str(promo_cp))

    def _record(self, conn, *, now: float, amount_cp: int, kind: str, bulk_id: int | None, method: str = "POINTS") -> None:
        balance_cp, promo_cp = self.balances()
        conn.execute(
            "INSERT INTO transactions (transaction_date, amount_cp, balance_after_cp, transaction_type,"
            " payment_provider, payment_method, transaction_status, internal_id, external_id, bulk_id)"
            " VALUES (?, ?, ?, ?, 'JUSTSEND', ?, 'SUCCESS', ?, ?, ?)",
            (now, amount_cp, balance_cp + promo_cp, kind, method, str(uuid.uuid4()), f"JS-{uuid.uuid4().hex[:12].upper()}", bulk_id),
        )

    def charge(self, conn: sqlite3.Connection, amount_cp: int, *, now: float, bulk_id: int, kind: str) -> int:
        """Take ``amount_cp``; returns the promo part. 400 ``INSUFFICIENT_FUNDS`` when short."""
        balance_cp, promo_cp = self.balances()
        if amount_cp > balance_cp + promo_cp:
            raise ApiError(
                400,
                f"Insufficient funds: {from_cp(amount_cp):.2f} points needed, {from_cp(balance_cp + promo_cp):.2f} available",
                code="INSUFFICIENT_FUNDS",
            )
        from_promo = min(promo_cp, amount_cp)
        self._save(conn, balance_cp - (amount_cp - from_promo), promo_cp - from_promo)
        self._record(conn, now=now, amount_cp=-amount_cp, kind=kind, bulk_id=bulk_id)
        return from_promo

    def refund(self, conn: sqlite3.Connection, amount_cp: int, *, promo_cap_cp: int, now: float, bulk_id: int) -> None:
        if amount_cp <= 0:
            return
        balance_cp, promo_cp = self.balances()
        to_promo = min(amount_cp, promo_cap_cp)
        self._save(conn, balance_cp + amount_cp - to_promo, promo_cp + to_promo)
        self._record(conn, now=now, amount_cp=amount_cp, kind="BULK_REFUND", bulk_id=bulk_id)

    def set_balances(self, conn: sqlite3.Connection, *, balance: float | None, promo: float | None, now: float) -> None:
        old_balance, old_promo = self.balances()
        new_balance = old_balance if balance is None else to_cp(balance)
        new_promo = old_promo if promo is None else to_cp(promo)
        self._save(conn, new_balance, new_promo)
        delta = (new_balance + new_promo) - (old_balance + old_promo)
        if delta:
            self._record(conn, now=now, amount_cp=delta, kind="CHARGE", bulk_id=None, method="PROFORMA")
