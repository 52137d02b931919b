"""CSV export of transactions: streamed, and safe to open in a spreadsheet."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.sms.exceptions import SmsError
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
Transaction = JS.Transaction

logger = logging.getLogger(__name__)

HEADER = [
    "date", "type", "points", "balance_after", "value", "currency", "provider", "method",
    "status", "error", "id", "internal_id", "external_id", "bulk_id",
]
def transaction_row(transaction: Transaction) -> list:
    value = transaction.value
    row = [
        transaction.transaction_date.isoformat() if transaction.transaction_date else "",
        transaction.transaction_type,
        transaction.amount_in_points,
        transaction.account_balance_in_points,
        value.amount if value else None,
        value.currency if value else None,
        transaction.payment_provider,
        transaction.payment_method,
        transaction.transaction_status,
        transaction.transaction_error,
        transaction.id,
        transaction.internal_transaction_id,
        transaction.external_transaction_id,
        transaction.bulk_id,
    ]
    return row


def transactions_csv_rows(transactions: Iterable[Transaction]) -> Iterator[list]:
    yield HEADER
    try:
        for transaction in transactions:
            yield transaction_row(transaction)
    except (SmsError, ApplicationError) as exc:
        # Headers are sent: say in the file itself that it is incomplete.
        logger.warning("Transactions export stopped: %s", exc)
        yield [_("Export incomplete: %(error)s") % {"error": exc.message}]
