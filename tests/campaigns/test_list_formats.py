"""The campaign list writes times in the panel's zone and money, points and percentages
the one locale-aware way, in English and in Polish."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from tests.html_tables import table_row

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"
TABLE = "campaign-table"


@pytest.fixture
def listed(db, settings):
    settings.TIME_ZONE = "Europe/Warsaw"
    ten_in_warsaw = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    Campaign.objects.create(
        name="Priced", message="Hi", variant="ECO", status=Campaign.Status.SCHEDULED, scheduled_at=ten_in_warsaw,
        recipients_count=12345, delivered_count=10320, charged_points=Decimal("84000.0000"),
        cost=Decimal("8.4E+2"), cost_currency="PLN",
    )
    Campaign.objects.create(name="Points only", message="Hi", recipients_count=3, charged_points=Decimal("1234.50"))


def cells(client, language: str, name: str) -> list[str]:
    page = client.get(reverse("campaigns:campaign_list"), HTTP_ACCEPT_LANGUAGE=language).content
    return list(table_row(page, TABLE, name).values())


def test_the_schedule_column_shows_warsaw_time(marketing_client, listed):
    assert "2026-12-02 10:00" in cells(marketing_client, "en", "Priced")
    assert "02.12.2026 10:00" in cells(marketing_client, "pl", "Priced")
    assert 'title="Europe/Warsaw"' in marketing_client.get(reverse("campaigns:campaign_list")).content.decode()


def test_cost_recipients_and_delivery_in_english(marketing_client, listed):
    row = cells(marketing_client, "en", "Priced")
    assert f"840.00{NBSP}PLN" in row
    assert "12,345" in row
    assert "83.6%" in row
    assert f"1,234.50{NBSP}pts" in cells(marketing_client, "en", "Points only")


def test_cost_recipients_and_delivery_in_polish(marketing_client, listed):
    row = cells(marketing_client, "pl", "Priced")
    assert f"840,00{NBSP}PLN" in row
    assert f"12{NBSP}345" in row
    assert "83,6%" in row
    assert not any("E+" in cell for cell in row)
    assert f"1{NBSP}234,50{NBSP}pkt" in cells(marketing_client, "pl", "Points only")
