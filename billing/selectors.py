"""Billing reads: the low-balance status, the balance history, Justsend's lists (cached)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import AccountSnapshot, BillingSettings, UploadedFileLink
from billing.readings import Reading, cache_key, cached_read, justsend_call, justsend_session
from justsend_panel.core.caching import cache_delete, cache_get, cache_set
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.types import Page

JS = vocabulary("justsend")
AuthCode = JS.AuthCode
FileDescriptor = JS.FileDescriptor
PaymentMethod = JS.PaymentMethod
PaymentProvider = JS.PaymentProvider
SortDirection = JS.SortDirection
Transaction = JS.Transaction
TransactionStatus = JS.TransactionStatus
WhitelistEntry = JS.WhitelistEntry

BILLING_SETTINGS_PK = 1
LOW_BALANCE_KEY = "billing:low-balance-status"
# The CSV export walks Justsend's pages in this size.
EXPORT_PAGE_SIZE = 500
AUTH_CODES_KEY = "mail2sms-auth-codes"
WHITELIST_KEY = "mail2sms-whitelist"


def billing_settings_get() -> BillingSettings:
    """The settings row, or an unsaved one holding the defaults from the environment."""
    found = BillingSettings.objects.filter(pk=BILLING_SETTINGS_PK).first()
    if found is not None:
        return found
    default = settings.BILLING_LOW_BALANCE_THRESHOLD
    return BillingSettings(
        pk=BILLING_SETTINGS_PK,
        low_balance_threshold=Decimal(str(default)) if default is not None else None,
    )


# --- low balance --------------------------------------------------------------------------


@dataclass(frozen=True)
class LowBalanceStatus:
    threshold: Decimal
    available_points: Decimal
    taken_at: datetime


def low_balance_status_get() -> LowBalanceStatus | None:
    """What the banner on every page needs; cached so that a page costs no query for it.

    A snapshot or a new threshold clears it; the cache is shared by the panel's processes
    (settings.CACHES), so the pages see a snapshot the worker records at once. With the
    cache down there is no banner (and no query on every page): pages still render.
    """
    status = cache_get(LOW_BALANCE_KEY, "missing", unavailable=None)
    if status != "missing":
        return status
    status = None
    threshold = billing_settings_get().low_balance_threshold
    snapshot = AccountSnapshot.objects.order_by("-taken_at").first()
    if threshold is not None and snapshot is not None and snapshot.available_points < threshold:
        status = LowBalanceStatus(
            threshold=threshold,
            available_points=snapshot.available_points,
            taken_at=snapshot.taken_at,
        )
    cache_set(LOW_BALANCE_KEY, status, settings.BILLING_CACHE_SECONDS)
    return status


def low_balance_status_forget() -> None:
    cache_delete(LOW_BALANCE_KEY)


def balance_history_get(*, days: int) -> list[dict]:
    """Points over the last ``days`` days, oldest first, for the chart (ms timestamps)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        AccountSnapshot.objects.filter(taken_at__gte=since)
        .order_by("taken_at")
        .values_list("taken_at", "account_balance", "promo_points")
    )
    return [
        {"t": int(taken_at.timestamp() * 1000), "balance": float(balance), "promo": float(promo)}
        for taken_at, balance, promo in rows
    ]


# The chart's time axis: never narrower than this, and this much room before the first point.
CHART_MIN_SPAN = timedelta(minutes=30)
CHART_MARGIN = 0.1


def balance_chart_range(*, history: list[dict], days: int, now: datetime | None = None) -> dict:
    """The chart's time axis, picked from the data: the chosen window when the snapshots
    fill it, else from a little before the first snapshot (minutes or hours of data are
    spread over the chart instead of a sliver at the right of 30 days). ``ticks`` says how
    the axis labels read: "time" within a day, "datetime" within a week, "date" beyond."""
    end = now or timezone.now()
    start = end - timedelta(days=days)
    if history:
        first = datetime.fromtimestamp(history[0]["t"] / 1000, tz=end.tzinfo)
        span = max(end - first, CHART_MIN_SPAN)
        start = max(start, end - span * (1 + CHART_MARGIN))
    shown = end - start
    ticks = "time" if shown <= timedelta(days=1) else "datetime" if shown <= timedelta(days=7) else "date"
    return {"start": int(start.timestamp() * 1000), "end": int(end.timestamp() * 1000), "ticks": ticks}


# --- transactions -------------------------------------------------------------------------

# Justsend's transaction types that pay for sending and give it back (see billing.labels).
SENDING_PAYMENTS = frozenset({"BULK_PAYMENT", "SINGLE_MESSAGE_PAYMENT"})
SENDING_REFUNDS = frozenset({"BULK_REFUND"})


def sending_cost_sum(transactions) -> tuple[Decimal, str]:
    """What sending cost in money: completed sending payments less their refunds, and the
    currency Justsend bills in ("" when no payment says)."""
    cost, currency = Decimal("0"), ""
    for transaction in transactions:
        kind = str(transaction.transaction_type or "").upper()
        if transaction.value is None or str(transaction.transaction_status or "") != "SUCCESS":
            continue
        if kind in SENDING_PAYMENTS:
            cost += abs(transaction.value.amount)
        elif kind in SENDING_REFUNDS:
            cost -= abs(transaction.value.amount)
        else:
            continue
        currency = currency or transaction.value.currency or ""
    return cost, currency



@dataclass(frozen=True)
class TransactionQuery:
    """Every filter of ``GET /payment/transaction``; the date range is required there."""

    start: datetime
    end: datetime
    provider: PaymentProvider | None = None
    method: PaymentMethod | None = None
    status: TransactionStatus | None = None
    search: str | None = None

    def client_kwargs(self) -> dict:
        return {
            "start_date": self.start,
            "end_date": self.end,
            "payment_provider": self.provider,
            "payment_method": self.method,
            "transaction_status": self.status,
            "search": self.search or None,
        }


@dataclass(frozen=True)
class Paging:
    page: int  # from 0, as Justsend counts
    size: int
    sort_field: str | None = None
    sort_direction: SortDirection | None = None

    def client_kwargs(self) -> dict:
        return {
            "page": self.page,
            "size": self.size,
            "sort_field": self.sort_field,
            "sort_direction": self.sort_direction,
        }


def transactions_page_get(
    *, query: TransactionQuery, paging: Paging, force: bool = False
) -> Reading[Page[Transaction]]:
    key = cache_key("transactions", query, paging)
    return cached_read(
        key,
        lambda client: client.list_transactions(**query.client_kwargs(), **paging.client_kwargs()),
        capability="balance", force=force,
    )


def transactions_iter(
    *, query: TransactionQuery, sort_field: str | None, sort_direction: SortDirection | None
) -> Iterator[Transaction]:
    """Every transaction the query matches, page after page, straight from Justsend."""
    with justsend_session("balance") as client:
        yield from client.iter_transactions(
            **query.client_kwargs(),
            size=EXPORT_PAGE_SIZE,
            sort_field=sort_field,
            sort_direction=sort_direction,
        )


# --- uploaded files -----------------------------------------------------------------------


@dataclass(frozen=True)
class UploadQuery:
    days: int | None = None
    status: str | None = None


def upload_descriptors_page_get(
    *, query: UploadQuery, paging: Paging, force: bool = False
) -> Reading[Page[FileDescriptor]]:
    key = cache_key("uploads", query, paging)
    return cached_read(
        key,
        lambda client: client.list_upload_descriptors(
            days=query.days, import_status=query.status or None, **paging.client_kwargs()
        ),
        capability="file_upload", force=force,
    )


def uploaded_file_links_for(
    descriptors: Sequence[FileDescriptor],
) -> dict[str, UploadedFileLink]:
    """descriptor id -> the campaign's upload row, matched by batch id, else by file name."""
    batch_ids = {_batch_id(d) for d in descriptors} - {""}
    names = {d.file_name for d in descriptors if d.file_name}
    if not batch_ids and not names:
        return {}
    links = list(
        UploadedFileLink.objects.filter(Q(batch_id__in=batch_ids) | Q(file_name__in=names))
        .order_by("-created_at")
    )
    by_batch = {link.batch_id: link for link in reversed(links) if link.batch_id}
    by_name = {link.file_name: link for link in reversed(links)}  # newest wins
    found = {}
    for descriptor in descriptors:
        link = by_batch.get(_batch_id(descriptor)) or by_name.get(descriptor.file_name or "")
        if link is not None and descriptor.id is not None:
            found[descriptor.id] = link
    return found


def _batch_id(descriptor: FileDescriptor) -> str:
    # Not in the manual's field list; the sandbox (and perhaps Justsend) sends it.
    value = descriptor.raw.get("bulkUuid") or descriptor.raw.get("bulkId")
    return str(value) if value else ""


# --- Mail2SMS -------------------------------------------------------------------------------


def auth_codes_get(*, force: bool = False) -> Reading[list[AuthCode]]:
    return cached_read(cache_key(AUTH_CODES_KEY), lambda c: c.list_auth_codes(),
                       capability="email_to_sms", force=force)


def auth_code_get(*, auth_code_id: str) -> AuthCode | None:
    """One code, fresh from Justsend (an edit form must start from current values)."""
    codes = justsend_call(lambda client: client.list_auth_codes(), capability="email_to_sms")
    return next((code for code in codes if code.id == auth_code_id), None)


def whitelist_get(*, force: bool = False) -> Reading[list[WhitelistEntry]]:
    return cached_read(cache_key(WHITELIST_KEY), lambda c: c.list_whitelist(),
                       capability="email_to_sms", force=force)
