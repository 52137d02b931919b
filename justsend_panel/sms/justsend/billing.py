"""Manual sections 6 and 7: the payment account, its transactions, and pricing."""

from __future__ import annotations

from datetime import datetime

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport, walks_pages
from justsend_panel.sms.justsend.types import (
    AccountSummary,
    PaymentMethod,
    PaymentProvider,
    PricingConfig,
    SortDirection,
    Transaction,
    TransactionStatus,
)
from justsend_panel.sms.types import Page


class BillingEndpoints(JustsendTransport):
    def get_account_summary(self) -> AccountSummary:
        """``GET /payment/account/summary`` (6.1): balance, promo points, price per variant."""
        return wire.account_summary(self.request("GET", "/payment/account/summary"))

    def list_transactions(
        self,
        *,
        start_date: datetime,
        end_date: datetime,
        payment_provider: PaymentProvider | None = None,
        payment_method: PaymentMethod | None = None,
        transaction_status: TransactionStatus | None = None,
        search: str | None = None,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[Transaction]:
        """``GET /payment/transaction`` (6.2); the date range is required, ``search`` needs 3+ characters."""
        if search is not None and len(search) < 3:
            raise ValueError("A transaction search needs at least 3 characters.")
        params = {
            "paymentProvider": payment_provider,
            "paymentMethod": payment_method,
            "transactionStatus": transaction_status,
            "startDate": start_date,
            "endDate": end_date,
            "search": search,
            "page": page,
            "size": size,
            "sortField": sort_field,
            "sortDirection": sort_direction,
        }
        answer = self.request("GET", "/payment/transaction", params=params)
        return wire.page_of(answer, "the transactions", wire.transaction, page=page, size=size)

    iter_transactions = walks_pages(list_transactions)

    def get_pricing_config(self) -> PricingConfig:
        """``GET /pricing/config`` (7.1): the manual shows a bare array of variant names."""
        return wire.pricing_config(self.request("GET", "/pricing/config"))
