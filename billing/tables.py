"""Tables of Justsend's lists; one page of rows comes from Justsend at a time."""

from __future__ import annotations

from collections.abc import Sequence

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.labels import PAYMENT_METHODS, PAYMENT_PROVIDERS, TRANSACTION_STATUSES, TRANSACTION_TYPES, UPLOAD_STATUSES
from justsend_panel.core import formatting
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.types import Page

JS = vocabulary("justsend")
country_name = JS.country_name
SortDirection = JS.SortDirection

TEMPLATE = "django_tables2/bootstrap5.html"


class RemotePage(Sequence):
    """One page of a Justsend list, posing as the whole list to Django's paginator.

    Its length is Justsend's ``totalElements``; slicing the current page's range gives
    its rows. Justsend sorted them already, so ``sort`` (called by django-tables2 when a
    column is ordered) leaves them as they are.
    """

    def __init__(self, page: Page, *, per_page: int) -> None:
        self.rows = list(page.content)
        self.offset = page.page * per_page
        self.total = max(page.total_elements, self.offset + len(self.rows))

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = max((index.start or 0) - self.offset, 0)
            stop = max((self.total if index.stop is None else index.stop) - self.offset, 0)
            return self.rows[start:stop]
        return self.rows[index - self.offset]

    def __iter__(self):
        return iter(self.rows)

    def sort(self, key=None, reverse=False) -> None:
        pass


class RemoteTable(tables.Table):
    """A table whose sortable columns map to Justsend's ``sortField`` names."""

    SORT_FIELDS: dict[str, str] = {}
    # The order asked of Justsend when the page names none ("-date": newest first).
    DEFAULT_SORT: str | None = None

    @classmethod
    def justsend_sort(cls, order_by: str | None) -> tuple[str | None, SortDirection | None, str | None]:
        """(sortField, sortDirection, the table's order_by) from the ``sort`` query value."""
        order_by = order_by or cls.DEFAULT_SORT
        if not order_by:
            return None, None, None
        name = order_by.lstrip("-")
        if name not in cls.SORT_FIELDS:
            return None, None, None
        direction = SortDirection.DESC if order_by.startswith("-") else SortDirection.ASC
        return cls.SORT_FIELDS[name], direction, order_by


class TransactionTable(RemoteTable):
    SORT_FIELDS = {
        "date": "transactionDate",
        "amount": "amountInPoints",
        "transaction_type": "transactionType",
        "id": "id",
    }
    DEFAULT_SORT = "-date"

    date = tables.DateTimeColumn(accessor="transaction_date", verbose_name=_("Date"), attrs={"td": {"class": "text-nowrap"}})
    transaction_type = tables.Column(verbose_name=_("Type"))
    amount = tables.Column(
        accessor="amount_in_points", verbose_name=_("Points"), attrs={"td": {"class": "text-end"}}
    )
    balance = tables.Column(
        accessor="account_balance_in_points",
        verbose_name=_("Balance after"),
        orderable=False,
        attrs={"td": {"class": "text-end"}},
    )
    value = tables.Column(verbose_name=_("Value"), orderable=False)
    payment_provider = tables.Column(verbose_name=_("Provider"), orderable=False)
    payment_method = tables.Column(verbose_name=_("Method"), orderable=False)
    transaction_status = tables.Column(verbose_name=_("Status"), orderable=False)
    id = tables.Column(verbose_name=_("Id"))
    external_transaction_id = tables.Column(verbose_name=_("External id"), orderable=False)
    bulk_id = tables.Column(verbose_name=_("Bulk"), orderable=False)

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "transactions"}
        order_by = ("-date",)  # shown on the header; Justsend is asked for it (DEFAULT_SORT)
        empty_text = _("No transactions match these filters.")

    def render_transaction_type(self, value):
        return TRANSACTION_TYPES.html(value)

    def render_amount(self, value):
        return formatting.amount(value, -2)

    def render_balance(self, value):
        return formatting.amount(value, -2)

    def render_value(self, value):
        return formatting.money(value.amount, value.currency)

    def render_payment_provider(self, value):
        return PAYMENT_PROVIDERS.html(value)

    def render_payment_method(self, value):
        return PAYMENT_METHODS.html(value)

    def render_transaction_status(self, value):
        colour = {"SUCCESS": "success", "ERROR": "danger", "PENDING": "warning"}.get(str(value), "secondary")
        return format_html('<span class="badge text-bg-{}" title="{}">{}</span>', colour, value,
                           TRANSACTION_STATUSES.label(value))


class UploadTable(RemoteTable):
    SORT_FIELDS = {"file_name": "fileName", "status": "status", "created_at": "createDate"}

    file_name = tables.Column(verbose_name=_("File"))
    status = tables.Column(verbose_name=_("Status"))
    created_at = tables.DateTimeColumn(verbose_name=_("Uploaded"))
    campaign = tables.Column(verbose_name=_("Campaign"), accessor="id", orderable=False)

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "uploads"}
        empty_text = _("No uploaded files.")

    def render_status(self, value):
        return UPLOAD_STATUSES.html(value)

    def __init__(self, *args, links: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = links or {}

    def render_campaign(self, value):
        link = self.links.get(value)
        if link is None:
            return "—"
        label = link.campaign_name or (f"#{link.campaign_id}" if link.campaign_id else link.file_name)
        url = _campaign_url(link.campaign_id)
        return format_html('<a href="{}">{}</a>', url, label) if url else label


def _campaign_url(campaign_id: int | None) -> str | None:
    if campaign_id is None:
        return None
    try:  # the campaign pages arrive with a later issue
        return reverse("campaigns:campaign_detail", kwargs={"pk": campaign_id})
    except NoReverseMatch:
        return None


class AuthCodeTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "font-monospace"}})
    bulk_variant = tables.Column(verbose_name=_("Variant"))
    sender_override = tables.Column(verbose_name=_("Sender override"))
    properties = tables.Column(verbose_name=_("Settings"), orderable=False)
    update_date = tables.DateTimeColumn(verbose_name=_("Updated"))
    actions = tables.Column(verbose_name="", accessor="id", orderable=False)

    class Meta:
        template_name = TEMPLATE
        orderable = False
        attrs = {"class": "table table-sm align-middle", "data-testid": "auth-codes"}
        empty_text = _("No authorisation codes yet.")

    def render_properties(self, value):
        if value.get("country"):
            return country_name(value["country"])
        voice = value.get("voiceConfig")
        if isinstance(voice, dict):
            return _("%(count)s retries, %(low)s–%(high)s min apart, pause %(pause)s s") % {
                "count": voice.get("maxCount"), "low": voice.get("minPeriod"),
                "high": voice.get("maxPeriod"), "pause": voice.get("pause"),
            }
        return "—"

    def render_actions(self, value):
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a> '
            '<a class="btn btn-sm btn-outline-danger" href="{}">{}</a>',
            reverse("billing:auth_code_edit", kwargs={"code_id": value}), _("Edit"),
            reverse("billing:auth_code_delete", kwargs={"code_id": value}), _("Delete"),
        )


class WhitelistTable(tables.Table):
    email = tables.Column(verbose_name=_("E-mail address"))
    create_date = tables.DateTimeColumn(verbose_name=_("Added"))
    actions = tables.Column(verbose_name="", accessor="id", orderable=False)

    class Meta:
        template_name = TEMPLATE
        orderable = False
        attrs = {"class": "table table-sm align-middle", "data-testid": "whitelist"}
        empty_text = _("The whitelist is empty.")

    def render_actions(self, value):
        return format_html(
            '<a class="btn btn-sm btn-outline-danger" href="{}">{}</a>',
            reverse("billing:whitelist_delete", kwargs={"entry_id": value}), _("Remove"),
        )
