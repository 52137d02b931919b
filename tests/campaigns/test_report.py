"""The per-campaign report: every recipient with status (label and raw value), operator,
times in the panel's zone and the text sent; streamed, whole at 100,000 recipients."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign, Recipient

pytestmark = pytest.mark.django_db

COLUMNS = [
    "number", "status", "status (raw value)", "status code", "operator",
    "submitted at (Europe/Warsaw)", "sent at (Europe/Warsaw)",
    "final status at (Europe/Warsaw)", "text sent",
]


def _report(client, campaign, **headers) -> list[list[str]]:
    response = client.get(reverse("campaigns:campaign_report", args=[campaign.pk]), **headers)
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    delimiter = ";" if headers.get("HTTP_ACCEPT_LANGUAGE") == "pl" else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _campaign(**fields) -> Campaign:
    defaults = {"name": "Spring", "message": "Hello", "variant": "ECO", "bulk_type": "STANDARD",
                "status": Campaign.Status.FINISHED,
                "submitted_at": datetime(2026, 7, 1, 8, 0, tzinfo=UTC)}
    return Campaign.objects.create(**{**defaults, **fields})


def recipients_insert(campaign: Campaign, count: int, *, sent_at: datetime) -> None:
    """``count`` delivered recipients in one INSERT … SELECT (SQLite and PostgreSQL): a
    hundred thousand model instances would take the test most of a minute."""
    table = connection.ops.quote_name(Recipient._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(sent_at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
            f" INSERT INTO {table} (campaign_id, msisdn, content, status, status_code,"
            f" operator, message_id, sent_at, updated_at)"
            f" SELECT %s, '48' || (500000000 + i), '', 'delivered', '', 'POLAND_PLAY', '', %s, %s"
            f" FROM n",
            [count - 1, campaign.pk, stamp, stamp],
        )
    assert Recipient.objects.filter(campaign=campaign).count() == count


def test_the_report_has_every_recipient_and_its_columns_at_100000(marketing_client, settings):
    settings.TIME_ZONE = "Europe/Warsaw"
    campaign = _campaign(recipients_count=100_000)
    recipients_insert(campaign, 100_000, sent_at=datetime(2026, 7, 1, 8, 0, 30, tzinfo=UTC))
    header, *rows = _report(marketing_client, campaign)
    assert header == COLUMNS
    assert len(rows) == 100_000
    assert {len(row) for row in rows} == {len(COLUMNS)}
    assert rows[0] == ["48500000000", "Delivered", "delivered", "", "POLAND_PLAY",
                       "2026-07-01 10:00:00+02:00", "2026-07-01 10:00:30+02:00", "", "Hello"]
    assert rows[-1][0] == "48500099999"
    assert len({row[0] for row in rows}) == 100_000


def test_statuses_times_and_the_text_each_recipient_got(marketing_client, settings):
    settings.TIME_ZONE = "Europe/Warsaw"
    personal = _campaign(bulk_type="PERSONALIZED", message="Hi {name}")
    Recipient.objects.create(
        campaign=personal, msisdn="48500000001", content="Hi Łucja", status="undelivered",
        status_code="MESSAGE_UNDELIVERED", operator="POLAND_ORANGE",
        sent_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 in summer time
        delivered_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 again, winter time
    )
    Recipient.objects.create(campaign=personal, msisdn="48500000002", content="Hi =1+1",
                             status="cancelled")
    rows = _report(marketing_client, personal)
    assert rows[1] == ["48500000001", "Undelivered", "undelivered", "MESSAGE_UNDELIVERED",
                       "POLAND_ORANGE", "2026-07-01 10:00:00+02:00",
                       "2026-10-25 02:30:00+02:00", "2026-10-25 02:30:00+01:00", "Hi Łucja"]
    # Never left the panel: no submission time.
    assert rows[2] == ["48500000002", "Cancelled", "cancelled", "", "", "", "", "", "Hi =1+1"]

    parametrized = _campaign(bulk_type="PARAMETRIZED", message="Code $1 for $2",
                             parameter_fields=["attr:code", "name"])
    Recipient.objects.create(campaign=parametrized, msisdn="48500000003",
                             params=["X1", "Ola"], status="delivered")
    assert _report(marketing_client, parametrized)[1][-1] == "Code X1 for Ola"


def test_the_report_speaks_polish(marketing_client):
    campaign = _campaign()
    Recipient.objects.create(campaign=campaign, msisdn="48500000001", status="delivered")
    header, row = _report(marketing_client, campaign, HTTP_ACCEPT_LANGUAGE="pl")
    with translation.override("pl"):
        label = str(Recipient.Status.DELIVERED.label)
    assert label != "Delivered"  # the catalogue has it
    assert row[:3] == ["48500000001", label, "delivered"]
    assert len(header) == len(COLUMNS)


def test_the_campaign_page_links_to_the_report(marketing_client):
    campaign = _campaign()
    page = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert reverse("campaigns:campaign_report", args=[campaign.pk]) in page.content.decode()
