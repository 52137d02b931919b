"""Issue 16: the billing pages ask for the provider that offers each feature (a balance,
audience files, Mail2SMS). With none configured, a page says so instead of failing, and
nothing is recorded (no snapshot, no code)."""

import pytest

from billing.models import AccountSnapshot
from billing.services import account_snapshot_take
from tests.fixtures.providers import capabilities_withdraw

pytestmark = pytest.mark.django_db

SUMMARY = "/api/payment/account/summary"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_balance_says_no_provider_reports_one_and_records_no_snapshot(
    marketing_client, panel_sandbox, monkeypatch
):
    capabilities_withdraw(monkeypatch, "justsend", "balance")
    page = _page(marketing_client.get("/billing/"))
    assert "No configured provider reports an account balance." in page
    assert 'data-testid="balance-unknown"' in page
    assert panel_sandbox.requests(path=SUMMARY) == []
    assert not AccountSnapshot.objects.exists()


def test_beats_snapshot_is_skipped_quietly(panel_sandbox, monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "balance")
    assert account_snapshot_take(source=AccountSnapshot.Source.BEAT) is None
    assert not AccountSnapshot.objects.exists() and panel_sandbox.requests(path=SUMMARY) == []


def test_the_transactions_page_says_so(marketing_client, panel_sandbox, monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "balance")
    page = _page(marketing_client.get("/billing/transactions/"))
    assert "No configured provider reports an account balance." in page
    assert panel_sandbox.requests(path="/api/payment") == []


def test_the_uploads_page_says_so(marketing_client, panel_sandbox, monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "file_upload")
    page = _page(marketing_client.get("/billing/uploads/"))
    assert "No configured provider takes audience files." in page


def test_the_mail2sms_page_and_its_form_say_so(admin_client_panel, panel_sandbox, monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "email_to_sms")
    page = _page(admin_client_panel.get("/billing/mail2sms/"))
    assert "No configured provider offers Mail2SMS." in page
    response = admin_client_panel.post(
        "/billing/mail2sms/codes/new/", {"bulk_variant": "PRO", "sender_override": "MYBRAND"},
        follow=True)
    assert "No configured provider offers Mail2SMS." in _page(response)
    assert panel_sandbox.requests(path="/api/mail2sms") == []
