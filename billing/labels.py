"""Labels of Justsend's payment vocabulary: transaction types (``BULK_PAYMENT``), statuses
(``SUCCESS``), payment providers and methods."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from justsend_panel.core.labels import RawLabels
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
PaymentMethod = JS.PaymentMethod
PaymentProvider = JS.PaymentProvider
TransactionStatus = JS.TransactionStatus

# The manual shows CHARGE; the rest are the types the sandbox (and Justsend's panel) use.
TRANSACTION_TYPES = RawLabels({
    "CHARGE": _("Top-up"),
    "BULK_PAYMENT": _("Campaign payment"),
    "SINGLE_MESSAGE_PAYMENT": _("Single message payment"),
    "BULK_REFUND": _("Campaign refund"),
    "REFUND": _("Refund"),
    "PROMO": _("Promo points"),
})

TRANSACTION_STATUSES = RawLabels({
    TransactionStatus.PENDING: _("Pending"),
    TransactionStatus.SUCCESS: _("Completed"),
    TransactionStatus.ERROR: _("Failed"),
})

# Names of companies: the same in every language.
PAYMENT_PROVIDERS = RawLabels({
    PaymentProvider.PAYU: "PayU",
    PaymentProvider.DVP: "DVP",
    PaymentProvider.JUSTSEND: "Justsend",
    PaymentProvider.P24: "Przelewy24",
})

PAYMENT_METHODS = RawLabels({
    PaymentMethod.TRANSFER: _("Bank transfer"),
    PaymentMethod.BLIK: "BLIK",
    PaymentMethod.CARD: _("Card"),
    PaymentMethod.POINTS: _("Points"),
    PaymentMethod.PROFORMA: _("Pro forma invoice"),
    PaymentMethod.PBL: _("Pay-by-link"),
    PaymentMethod.UNKNOWN: _("Unknown"),
})

# An uploaded file's processing status (``GET /upload``).
UPLOAD_STATUSES = RawLabels({
    "SUCCESS": _("Processed"),
    "ERROR": _("Failed"),
    "PENDING": _("Waiting"),
    "IN_PROGRESS": _("Processing"),
})
