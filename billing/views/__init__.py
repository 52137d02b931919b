from billing.views.account import BillingView, ThresholdUpdateView
from billing.views.lists import TransactionExportView, TransactionListView, UploadListView
from billing.views.mail2sms import (
    AuthCodeCreateView,
    AuthCodeDeleteView,
    AuthCodeEditView,
    Mail2SmsView,
    WhitelistDeleteView,
)

__all__ = [
    "AuthCodeCreateView",
    "AuthCodeDeleteView",
    "AuthCodeEditView",
    "BillingView",
    "Mail2SmsView",
    "ThresholdUpdateView",
    "TransactionExportView",
    "TransactionListView",
    "UploadListView",
    "WhitelistDeleteView",
]
