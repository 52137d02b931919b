"""Filter forms of the billing lists.

Transactions and uploaded files are Justsend's data, read page by page from its API, so
these are plain forms that build the API's query rather than django-filter FilterSets
over a local queryset.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.forms import BootstrapForm, IsoDateInput
from billing.labels import PAYMENT_METHODS, PAYMENT_PROVIDERS, TRANSACTION_STATUSES
from billing.selectors import TransactionQuery, UploadQuery
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
PaymentMethod = JS.PaymentMethod
PaymentProvider = JS.PaymentProvider
TransactionStatus = JS.TransactionStatus

PAGE_SIZES = [(25, "25"), (50, "50"), (100, "100")]
DEFAULT_DAYS = 30


def _choices(enum_class, labels) -> list[tuple[str, str]]:
    return [("", _("Any"))] + labels.choices(member.value for member in enum_class)


class PageSizeForm(BootstrapForm):
    size = forms.TypedChoiceField(
        label=_("Rows per page"), choices=PAGE_SIZES, coerce=int, required=False, empty_value=25
    )


class TransactionFilterForm(PageSizeForm):
    start = forms.DateField(
        label=_("From"), required=False, widget=IsoDateInput()
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=IsoDateInput()
    )
    provider = forms.ChoiceField(
        label=_("Provider"), choices=_choices(PaymentProvider, PAYMENT_PROVIDERS), required=False
    )
    method = forms.ChoiceField(label=_("Method"), choices=_choices(PaymentMethod, PAYMENT_METHODS), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=_choices(TransactionStatus, TRANSACTION_STATUSES), required=False
    )
    search = forms.CharField(
        label=_("Transaction id"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_("At least 3 characters."),
    )

    field_order = ["start", "end", "provider", "method", "status", "search", "size"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # The range Justsend is asked for shows in the form, also when none was given.
            data = data.copy()
            default_start, default_end = self.default_range()
            data.setdefault("start", default_start.isoformat())
            data.setdefault("end", default_end.isoformat())
        super().__init__(data, *args, **kwargs)

    @staticmethod
    def default_range() -> tuple:
        today = timezone.localdate()
        return today - timedelta(days=DEFAULT_DAYS), today

    def clean_search(self) -> str:
        search = self.cleaned_data["search"]
        if search and len(search) < 3:
            raise forms.ValidationError(_("Search needs at least 3 characters."))
        return search

    def clean(self) -> dict:
        cleaned = super().clean()
        default_start, default_end = self.default_range()
        start = cleaned.get("start") or default_start
        end = cleaned.get("end") or default_end
        if "start" not in self.errors and "end" not in self.errors and start > end:
            self.add_error("end", _("The end date must not be before the start date."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def to_query(self) -> TransactionQuery:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return TransactionQuery(
            start=datetime.combine(data["start"], time.min, tzinfo=zone),
            end=datetime.combine(data["end"], time(23, 59, 59), tzinfo=zone),
            provider=PaymentProvider(data["provider"]) if data.get("provider") else None,
            method=PaymentMethod(data["method"]) if data.get("method") else None,
            status=TransactionStatus(data["status"]) if data.get("status") else None,
            search=data.get("search") or None,
        )


class UploadFilterForm(PageSizeForm):
    days = forms.IntegerField(
        label=_("Last days"), required=False, min_value=1, max_value=3650
    )
    status = forms.RegexField(
        label=_("Status"),
        regex=r"^[A-Za-z_]*$",
        required=False,
        max_length=30,
        help_text=_("For example SUCCESS or ERROR."),
        error_messages={"invalid": _("Letters and underscores only.")},
    )

    field_order = ["days", "status", "size"]

    def to_query(self) -> UploadQuery:
        data = self.cleaned_data
        return UploadQuery(days=data.get("days"), status=(data.get("status") or "").upper() or None)
