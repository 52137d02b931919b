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
    message = campaign.message
    personal = campaign.bulk_type != Campaign.BulkTypeChoice.STANDARD
    fields = ["msisdn", "status", "status_code", "operator", "sent_at", "delivered_at"]
    if personal:
        fields += ["content", "params"]
    rows = (
        Recipient.objects.filter(campaign=campaign).order_by("pk").values_list(*fields)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for msisdn, status, code, operator, sent_at, delivered_at, *personal_text in rows:
        if personal:
            content, params = personal_text
            text = message_as_sent(message=message, content=content, params=params)
        else:
            text = message
        yield [
            msisdn, labels.get(status, status), status, code, operator,
            "" if status in NOT_SUBMITTED else submitted,
            report_time(sent_at, zone), report_time(delivered_at, zone), text,
        ]
