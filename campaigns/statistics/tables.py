import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from justsend_panel.core import formatting

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class CountColumn(tables.Column):
    """A whole number, grouped the page language's way."""

    def render(self, value):
        return formatting.count(value)


class DailyStatisticsTable(tables.Table):
    """Rows of :class:`campaigns.statistics.selectors.DayRow`: per day and variant."""

    day = tables.DateColumn(verbose_name=_("Day"), short=True)
    variant = tables.Column(verbose_name=_("Variant"))
    batches = CountColumn(verbose_name=_("Campaigns"), attrs=NUMBER)
    recipients = CountColumn(verbose_name=_("Recipients"), attrs=NUMBER)
    sent = CountColumn(verbose_name=_("Sent"), attrs=NUMBER)
    delivered = CountColumn(verbose_name=_("Delivered"), attrs=NUMBER)
    undelivered = CountColumn(verbose_name=_("Undelivered"), attrs=NUMBER)
    not_sent = CountColumn(verbose_name=_("Not sent"), attrs=NUMBER)
    delivery_rate = tables.Column(verbose_name=_("Delivery rate"), attrs=NUMBER, default="—")
    points = tables.Column(verbose_name=_("Points"), attrs=NUMBER)
    cost = tables.Column(verbose_name=_("Cost"), attrs=NUMBER, default="—")

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-hover mb-0", "data-testid": "statistics-table"}
        row_attrs = {"data-day": lambda record: record.day.isoformat() if record.day else ""}

    def render_delivery_rate(self, value):
        return formatting.percent(value)

    def render_points(self, value):
        return formatting.amount(value, -2)

    def render_cost(self, value):
        # A provider's reported cost may be a fraction of a cent (SMS.by: 0.078).
        return formatting.money_fine(value)
