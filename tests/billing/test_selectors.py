from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot
from billing.selectors import low_balance_status_get, uploaded_file_links_for
from billing.services import uploaded_file_link_record
from justsend_panel.sms.types import FileDescriptor

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
    uploaded_file_link_record(file_name="a.csv", campaign_id=1, bulk_uuid="bulk-1")
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
