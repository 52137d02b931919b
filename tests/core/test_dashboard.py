"""The dashboard: balance, campaigns sending now with progress, the last seven days'
delivery rate and the scheduled campaigns; a few queries whatever the recipients table holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot
from campaigns.models import Campaign, Recipient
from tests.campaigns.statistics.conftest import finished_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_panel(db):
    today = timezone.localdate()
    AccountSnapshot.objects.create(
        taken_at=timezone.now() - timedelta(minutes=3), account_balance=Decimal("1200.50"),
        promo_points=Decimal("30"), source=AccountSnapshot.Source.BEAT,
    )
    week = [
        finished_campaign("Two days ago", day=today - timedelta(days=2), recipients=40, sent=40, delivered=30, undelivered=10),
        finished_campaign("Today", day=today, sent=10, delivered=9, undelivered=1),
    ]
    finished_campaign("Last month", day=today - timedelta(days=20), recipients=1000, sent=1000, delivered=10, undelivered=990)
    sending = finished_campaign("Going out", day=today, recipients=200, sent=120, delivered=80, undelivered=5)
    Campaign.objects.filter(pk=sending.pk).update(status=Campaign.Status.SENDING)
    scheduled = [
        Campaign.objects.create(name=f"Later {n}", message="Soon", status=Campaign.Status.SCHEDULED,
                                scheduled_at=timezone.now() + timedelta(days=n + 1))
        for n in range(3)
    ]
    Recipient.objects.bulk_create(
        Recipient(campaign_id=sending.pk, msisdn=f"48600{n:06d}", status=Recipient.Status.SENT) for n in range(300)
    )
    return week, sending, scheduled


def test_dashboard_shows_what_a_marketer_wants_first(marketing_client, busy_panel, django_assert_max_num_queries):
    week, sending, scheduled = busy_panel

    with django_assert_max_num_queries(10):
        response = marketing_client.get("/")

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    page = response.content.decode()
    snapshot = AccountSnapshot.objects.get()
    assert f'data-testid="dashboard-available">{snapshot.account_balance + snapshot.promo_points:,.2f} ' in page
    assert [campaign.pk for campaign, _progress in dashboard.sending] == [sending.pk]
    progress = dashboard.sending[0][1]
    assert progress.delivered == 80 and progress.total == 200
    assert f'data-campaign="{sending.pk}"' in page and 'hx-trigger="every 5s"' in page
    assert [c.name for c in dashboard.scheduled] == [c.name for c in scheduled]
    # Delivered over sent of the last seven days' campaigns (the sending one included).
    counted = [*week, Campaign.objects.get(pk=sending.pk)]
    expected = round(100 * sum(c.delivered_count for c in counted) / sum(c.sent_count for c in counted), 1)
    assert dashboard.week_rate == expected
    assert f"{expected}%" in page
    chart = response.context["week_chart"]
    assert len(chart["labels"]) == 7
    assert sum(chart["sent"]) == sum(c.sent_count for c in counted)


def test_an_empty_panel_has_a_calm_dashboard(marketing_client):
    response = marketing_client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="dashboard-balance-unknown"' in page
    assert 'data-testid="dashboard-none-sending"' in page
    assert "every 5s" not in page


def test_sending_now_partial_follows_the_campaigns(marketing_client, busy_panel):
    _week, sending, _scheduled = busy_panel
    page = marketing_client.get("/campaigns/statistics/sending-now/").content.decode()
    assert f'data-campaign="{sending.pk}"' in page
    Campaign.objects.filter(pk=sending.pk).update(status=Campaign.Status.FINISHED)
    page = marketing_client.get("/campaigns/statistics/sending-now/").content.decode()
    assert f'data-campaign="{sending.pk}"' not in page and "every 5s" not in page


def test_with_no_snapshot_yet_the_balance_is_asked_once_and_recorded(marketing_client, panel_sandbox):
    panel_sandbox.set_balance(balance=321.5, promo=4)
    page = marketing_client.get("/").content.decode()
    assert 'data-testid="dashboard-available">325.50 ' in page
    assert AccountSnapshot.objects.count() == 1
    marketing_client.get("/")
    assert len(panel_sandbox.requests(path="/api/payment/account/summary")) == 1  # the snapshot serves the second
