"""The per-campaign report: every recipient with status, operator, times and the text sent.

Rows for :func:`justsend_panel.core.spreadsheets.spreadsheet_csv_response`, read from the
database in chunks (a server-side cursor on PostgreSQL), never the whole campaign at once:
a million recipients stream in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Recipient
from campaigns.services.rendering import message_as_sent

CHUNK_SIZE = 5_000
# Statuses of numbers that never left the panel: no submission time.
NOT_SUBMITTED = frozenset({
    Recipient.Status.QUEUED, Recipient.Status.CANCELLED, Recipient.Status.FAILED,
})


def report_time(value: datetime | None, zone: tzinfo) -> str:
    """The panel's time zone, to the second, with the UTC offset: one reading only, even
    in the hour that repeats when clocks go back (``2026-10-25 02:30:00+01:00``)."""
    if value is None:
        return ""
    return value.astimezone(zone).isoformat(sep=" ", timespec="seconds")


class _ReportTimes(dict):
    """:func:`report_time` remembered per value: thousands of recipients share each second
    of a campaign's sending and its postbacks, and the conversion is most of a row's cost."""

    LIMIT = 100_000

    def __init__(self, zone: tzinfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, value: datetime | None) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        text = self[value] = report_time(value, self.zone)
        return text


def campaign_report_filename(*, campaign: Campaign) -> str:
    return f"campaign-{campaign.pk}-report.csv"


def campaign_report_rows(*, campaign: Campaign) -> Iterator[list]:
    """The header, then one row per recipient in the order they were prepared."""
    zone = timezone.get_current_timezone()
    zone_name = timezone.get_current_timezone_name()
    # The label of each status, translated once (the request's language is active here).
    labels = {value: str(label) for value, label in Recipient.Status.choices}
    yield [
        _("number"), _("status"), _("status (raw value)"), _("status code"), _("operator"),
        _("submitted at (%(zone)s)") % {"zone": zone_name},
        _("sent at (%(zone)s)") % {"zone": zone_name},
        _("final status at (%(zone)s)") % {"zone": zone_name},
        _("text sent"),
    ]
    submitted = report_time(campaign.submitted_at, zone)
    times = _ReportTimes(zone)
    message = campaign.message
    # Only the column that holds the recipient's own text (none for STANDARD): the
    # parameters' JSON costs a conversion per row.
    own = {
        Campaign.BulkTypeChoice.PERSONALIZED: "content",
        Campaign.BulkTypeChoice.PARAMETRIZED: "params",
    }.get(campaign.bulk_type)
    fields = ["msisdn", "status", "status_code", "operator", "sent_at", "delivered_at"]
    rows = (
        Recipient.objects.filter(campaign=campaign).order_by("pk")
        .values_list(*fields, *([own] if own else []))
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for msisdn, status, code, operator, sent_at, delivered_at, *personal in rows:
        if own == "content":
            text = personal[0] or message
        elif own == "params":
            text = message_as_sent(message=message, params=personal[0])
        else:
            text = message
        yield [
            msisdn, labels.get(status, status), status, code, operator,
            "" if status in NOT_SUBMITTED else submitted,
            times[sent_at], times[delivered_at], text,
        ]
