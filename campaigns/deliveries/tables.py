import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns.deliveries.models import Reply
from justsend_panel.core.numbers import number_link

TEMPLATE = "django_tables2/bootstrap5.html"


class ReplyTable(tables.Table):
    received_at = tables.DateTimeColumn(verbose_name=_("Received"))
    msisdn = tables.Column(verbose_name=_("Number"))
    message = tables.Column(verbose_name=_("Message"))
    campaign = tables.Column(
        verbose_name=_("Campaign"), linkify=("campaigns:campaign_detail", {"pk": tables.A("campaign_id")}),
    )
    is_stop = tables.Column(verbose_name=_("STOP"))

    class Meta:
        model = Reply
        template_name = TEMPLATE
        fields = ("received_at", "msisdn", "message", "campaign", "is_stop")
        attrs = {"class": "table table-sm table-hover mb-0", "data-testid": "reply-table"}
        empty_text = _("No reply has come yet.")

    def render_msisdn(self, value):
        return number_link(value)

    def render_is_stop(self, value, record):
        if not value:
            return "—"
        label = _("STOP: blacklisted") if record.blacklist_entry_id else _("STOP")
        return format_html('<span class="badge text-bg-danger" data-stop="1">{}</span>', label)


class KeywordResponseTable(tables.Table):
    date = tables.DateTimeColumn(verbose_name=_("Date"), orderable=False)
    keyword = tables.Column(verbose_name=_("Keyword"), orderable=False)
    msisdn = tables.Column(verbose_name=_("Number"), orderable=False)
    message = tables.Column(
        verbose_name=_("Message"), accessor="raw__message", orderable=False, default="—"
    )
    response_message = tables.Column(
        verbose_name=_("Automatic reply"), accessor="raw__responseMessage", orderable=False,
        default="—",
    )
    email = tables.Column(verbose_name=_("E-mail"), orderable=False)

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "table table-sm table-hover mb-0", "data-testid": "keyword-table"}
        empty_text = _("Justsend has no keyword response for these filters.")

    def render_msisdn(self, value):
        return number_link(value)
