import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns.labels import DELIVERY_OUTCOMES, MESSAGE_STATUSES, OPERATORS
from campaigns.models import Campaign, Recipient
from justsend_panel.core import formatting
from justsend_panel.core.numbers import number_link

STATUS_BADGES = {
    Campaign.Status.DRAFT: "secondary",
    Campaign.Status.SCHEDULED: "info",
    Campaign.Status.QUEUED: "primary",
    Campaign.Status.SUBMITTING: "primary",
    Campaign.Status.SENDING: "primary",
    Campaign.Status.FINISHED: "success",
    Campaign.Status.CANCELLING: "warning",
    Campaign.Status.CANCELLED: "dark",
    Campaign.Status.FAILED: "danger",
}
RECIPIENT_BADGES = {
    Recipient.Status.DELIVERED: "success",
    Recipient.Status.UNDELIVERED: "danger",
    Recipient.Status.EXPIRED: "warning",
    Recipient.Status.REJECTED: "danger",
    Recipient.Status.SENT: "primary",
    Recipient.Status.SUBMITTED: "info",
    Recipient.Status.CANCELLED: "dark",
    Recipient.Status.FAILED: "dark",
    Recipient.Status.IN_DOUBT: "warning",
}


def badge(value: str, label: str, colours: dict) -> str:
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>', colours.get(value, "secondary"), value, label
    )


class CampaignTable(tables.Table):
    name = tables.Column(linkify=("campaigns:campaign_detail", {"pk": tables.A("pk")}), verbose_name=_("Name"))
    status = tables.Column(verbose_name=_("Status"))
    variant = tables.Column(verbose_name=_("Variant"))
    schedule = tables.Column(
        accessor="scheduled_at", verbose_name=_("Schedule"), order_by=("scheduled_at", "created_at"),
        attrs={"th": {"title": lambda: _("Times in %(zone)s") % {"zone": formatting.zone_name()}}},
    )
    recipients_count = tables.Column(verbose_name=_("Recipients"), attrs={"td": {"class": "text-end"}})
    delivered = tables.Column(
        accessor="delivered_count", verbose_name=_("Delivered"), attrs={"td": {"class": "text-end"}}
    )
    # empty_values=(): a campaign without a money cost still shows the points it took.
    cost = tables.Column(verbose_name=_("Cost"), attrs={"td": {"class": "text-end text-nowrap"}}, empty_values=())

    class Meta:
        model = Campaign
        fields = ("name", "status", "variant", "schedule", "recipients_count", "delivered", "cost")
        order_by = ("-created_at",)
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "campaign-table"}
        empty_text = _("No campaigns yet.")

    def render_status(self, record, value):
        return badge(record.status, record.get_status_display(), STATUS_BADGES)

    def render_variant(self, record):
        return record.variant

    def render_schedule(self, record, value):
        # In the panel's time zone (a table renders outside the template's localtime).
        return format_html('<span title="{}">{}</span>', formatting.zone_name(), formatting.when(value))

    def render_recipients_count(self, value):
        return formatting.count(value)

    def render_delivered(self, record):
        return formatting.percent(record.delivered_percent)

    def render_cost(self, record):
        if record.cost is None:
            return formatting.points(record.charged_points)
        return formatting.money(record.cost, record.cost_currency)


class RecipientTable(tables.Table):
    status = tables.Column(verbose_name=_("Status"))
    content = tables.Column(verbose_name=_("Content"), orderable=False)

    class Meta:
        model = Recipient
        fields = ("msisdn", "status", "status_code", "operator", "sent_at", "delivered_at", "content")
        orderable = False
        attrs = {"class": "table table-sm align-middle text-nowrap mb-0", "data-testid": "recipient-table"}
        empty_text = _("No recipients to list: they are written when the campaign is submitted.")

    def render_msisdn(self, value):
        return number_link(value)

    def render_status(self, record):
        return badge(record.status, record.get_status_display(), RECIPIENT_BADGES)

    def render_status_code(self, record, value):
        if str(value).upper() in DELIVERY_OUTCOMES:
            return DELIVERY_OUTCOMES.html(value)
        # Another provider's own words (SMS Manager's "delivered", "Recipient unreachable"),
        # untranslated: the panel's state in the reader's language, the words a tooltip away.
        return format_html('<span title="{}" data-raw="{}">{}</span>', value, value,
                           record.get_status_display())

    def render_operator(self, value):
        return OPERATORS.html(value)

    def render_content(self, record, value):
        return value if len(value) <= 60 else value[:59] + "…"


class SingleMessageTable(tables.Table):
    """Rows are the provider's SingleMessage dataclasses, one page as Justsend answered it."""

    id = tables.Column(
        verbose_name=_("Id"), linkify=lambda record: reverse("campaigns:single_message_detail", args=[record.id])
        if record.id else None,
    )
    send_date = tables.DateTimeColumn(verbose_name=_("Sent"), short=True)
    msisdn = tables.Column(verbose_name=_("To"))
    sender = tables.Column(verbose_name=_("Sender"))
    bulk_variant = tables.Column(verbose_name=_("Variant"))
    content = tables.Column(verbose_name=_("Message"))
    acknowledge_status = tables.Column(verbose_name=_("Status"))
    charged_points = tables.Column(verbose_name=_("Points"), attrs={"td": {"class": "text-end"}})

    def render_acknowledge_status(self, value):
        return MESSAGE_STATUSES.html(value)

    def render_charged_points(self, value):
        return formatting.amount(value, -2)

    class Meta:
        orderable = False
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "single-message-table"}

    def render_msisdn(self, value):
        return number_link(value)
        empty_text = _("No single messages in this period.")

    def render_content(self, value):
        return value if len(value) <= 60 else value[:59] + "…"
