"""The sandbox banner says what is true: nothing real is sent or paid for, but the
sandbox's simulated balance drops with each campaign and its payments are listed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from justsend_panel.sms.justsend import JustsendClient
from justsend_panel.sms.justsend.types import Recipient
from tests.contract.conftest import bulk_request

pytestmark = pytest.mark.django_db


def test_the_banner_matches_what_the_sandbox_does(marketing_client, panel_sandbox):
    with JustsendClient(panel_sandbox.api_url, panel_sandbox.app_key) as client:
        before = client.get_account_summary()
        client.send_bulk(request=bulk_request(recipients=[Recipient(f"4850030{n:04d}") for n in range(4)]))
        after = client.get_account_summary()
        now = timezone.now()
        kinds = {t.transaction_type for t in client.list_transactions(
            start_date=now - timedelta(days=1), end_date=now + timedelta(days=1)).content}
    # What the sandbox does: the balance drops and a payment is recorded.
    assert after.account_balance + after.promo_points < before.account_balance + before.promo_points
    assert "BULK_PAYMENT" in kinds

    page = marketing_client.get("/").content.decode()
    banner = page.split('data-testid="sandbox-banner">', 1)[1].split("</div>", 1)[0]
    assert "no points are charged" not in banner
    assert "balance is simulated" in banner and "Transactions" in banner
