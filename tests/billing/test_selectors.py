from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot
from billing.selectors import low_balance_status_get, uploaded_file_links_for
from billing.services import uploaded_file_link_record
from justsend_panel.sms.justsend.types import FileDescriptor

pytestmark = pytest.mark.django_db


def _snapshot(balance: str, promo: str = "0", hours_ago: float = 0) -> AccountSnapshot:
    return AccountSnapshot.objects.create(
        taken_at=timezone.now() - timedelta(hours=hours_ago),
        account_balance=Decimal(balance),
        promo_points=Decimal(promo),
        source="beat",
    )


def test_low_balance_status_uses_the_newest_snapshot(settings):
    settings.BILLING_LOW_BALANCE_THRESHOLD = 100
    _snapshot("50", hours_ago=5)
    _snapshot("150")
    assert low_balance_status_get() is None


def test_links_match_by_bulk_id_then_by_newest_file_name():
    uploaded_file_link_record(file_name="a.csv", campaign_id=1, batch_id="bulk-1")
    uploaded_file_link_record(file_name="a.csv", campaign_id=2)
    uploaded_file_link_record(file_name="b.csv", campaign_id=3)
    descriptors = [
        FileDescriptor(id="10", file_name="a.csv", status="SUCCESS", created_at=None, raw={"bulkUuid": "bulk-1"}),
        FileDescriptor(id="11", file_name="a.csv", status="SUCCESS", created_at=None, raw={}),
        FileDescriptor(id="12", file_name="c.csv", status="SUCCESS", created_at=None, raw={}),
    ]
    links = uploaded_file_links_for(descriptors)
    assert links["10"].campaign_id == 1
    assert links["11"].campaign_id == 2
    assert "12" not in links


# --- the balance chart's time axis ----------------------------------------------------------

def _snapshots(now, *ages):
    return [{"t": int((now - age).timestamp() * 1000), "balance": 1.0, "promo": 0.0} for age in ages]


def test_minutes_of_data_fill_the_chart_instead_of_a_sliver_of_30_days():
    from datetime import datetime, timedelta, timezone as dt_timezone

    from billing.selectors import balance_chart_range

    now = datetime(2026, 12, 3, 12, 0, tzinfo=dt_timezone.utc)
    axis = balance_chart_range(history=_snapshots(now, timedelta(minutes=20), timedelta(minutes=5)), days=30, now=now)
    shown = timedelta(milliseconds=axis["end"] - axis["start"])
    assert timedelta(minutes=20) < shown <= timedelta(minutes=40)
    assert axis["ticks"] == "time"

    hours = balance_chart_range(history=_snapshots(now, timedelta(hours=30)), days=30, now=now)
    assert timedelta(hours=30) < timedelta(milliseconds=hours["end"] - hours["start"]) < timedelta(hours=34)
    assert hours["ticks"] == "datetime"

    month = balance_chart_range(history=_snapshots(now, timedelta(days=40), timedelta(days=3)), days=30, now=now)
    assert timedelta(milliseconds=month["end"] - month["start"]) == timedelta(days=30)
    assert month["ticks"] == "date"
    empty = balance_chart_range(history=[], days=7, now=now)
    assert timedelta(milliseconds=empty["end"] - empty["start"]) == timedelta(days=7)
