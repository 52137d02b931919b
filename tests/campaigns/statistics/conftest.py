from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from justsend_panel.sms.justsend import JustsendClient


def local_at(day, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def finished_campaign(name: str, *, day, variant=Campaign.Variant.ECO, hour: int = 12,
                      recipients=10, sent=9, delivered=7, undelivered=2, points="7.00",
                      cost="0.70", **fields) -> Campaign:
    return Campaign.objects.create(
        name=name, message="Hello", variant=variant, status=Campaign.Status.FINISHED,
        submitted_at=local_at(day, hour), recipients_count=recipients, sent_count=sent,
        delivered_count=delivered, undelivered_count=undelivered,
        not_sent_count=recipients - sent, charged_points=Decimal(points),
        cost=Decimal(cost) if cost is not None else None, cost_currency=fields.pop("cost_currency", "PLN"), **fields,
    )


@pytest.fixture
def week_of_campaigns(db):
    """Campaigns over several days and variants, one outside the range and one unsent."""
    today = timezone.localdate()
    campaigns = [
        finished_campaign("Mon ECO", day=today - timedelta(days=3), recipients=10, sent=10, delivered=8, undelivered=2),
        finished_campaign("Mon ECO 2", day=today - timedelta(days=3), hour=23, recipients=5, sent=4, delivered=4,
                          undelivered=0, points="2.5", cost="0.25"),
        finished_campaign("Mon PRO", day=today - timedelta(days=3), variant=Campaign.Variant.PRO, recipients=3,
                          sent=3, delivered=1, undelivered=2, points="2.7", cost="0.27"),
        finished_campaign("Today FULL", day=today, hour=0, variant=Campaign.Variant.FULL, recipients=20, sent=18,
                          delivered=15, undelivered=3, points="16", cost=None),
    ]
    outside = finished_campaign("Long ago", day=today - timedelta(days=60), recipients=100, sent=100, delivered=100,
                                undelivered=0)
    Campaign.objects.create(name="Draft", message="Not sent yet", recipients_count=50)
    return campaigns, outside


@pytest.fixture
def sandbox_client(panel_sandbox):
    with JustsendClient(panel_sandbox.api_url, panel_sandbox.app_key) as client:
        yield client


def delivered_recipient(campaign: Campaign, msisdn: str, *, sent_at, delay: timedelta | None, **fields):
    return Recipient.objects.create(
        campaign=campaign, msisdn=msisdn, status=fields.pop("status", Recipient.Status.DELIVERED),
        sent_at=sent_at, delivered_at=sent_at + delay if delay is not None and sent_at else None, **fields,
    )
