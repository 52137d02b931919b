from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot, BillingSettings, UploadedFileLink

pytestmark = pytest.mark.django_db


def test_admin_lists_snapshots_read_only(admin_client_panel):
    snapshot = AccountSnapshot.objects.create(
        taken_at=timezone.now() - timedelta(minutes=5), account_balance=Decimal("12.50"), source="beat"
    )
    listing = admin_client_panel.get("/admin/billing/accountsnapshot/?source__exact=beat")
    assert listing.status_code == 200 and "12.50" in listing.content.decode()
    assert admin_client_panel.get("/admin/billing/accountsnapshot/add/").status_code == 403
    detail = admin_client_panel.get(f"/admin/billing/accountsnapshot/{snapshot.pk}/change/")
    assert detail.status_code == 200 and 'name="account_balance"' not in detail.content.decode()


def test_admin_edits_the_one_settings_row(admin_client_panel, administrator):
    response = admin_client_panel.post(
        "/admin/billing/billingsettings/add/", {"low_balance_threshold": "250"}
    )
    assert response.status_code == 302
    row = BillingSettings.objects.get()
    assert row.pk == 1 and row.low_balance_threshold == Decimal("250") and row.updated_by == administrator
    assert admin_client_panel.get("/admin/billing/billingsettings/add/").status_code == 403


def test_admin_searches_file_links(admin_client_panel):
    UploadedFileLink.objects.create(file_name="spring.csv", campaign_id=4, campaign_name="Spring")
    UploadedFileLink.objects.create(file_name="autumn.csv", campaign_id=5)
    page = admin_client_panel.get("/admin/billing/uploadedfilelink/?q=spring").content.decode()
    assert "spring.csv" in page and "autumn.csv" not in page


def test_billing_history_cannot_be_deleted_or_edited_in_admin(admin_client_panel):
    snapshot = AccountSnapshot.objects.create(taken_at=timezone.now(), account_balance=Decimal("1"))
    link = UploadedFileLink.objects.create(file_name="spring.csv", campaign_id=4)
    settings_row = BillingSettings.objects.create(low_balance_threshold=Decimal("10"))
    for path in (f"accountsnapshot/{snapshot.pk}", f"uploadedfilelink/{link.pk}",
                 f"billingsettings/{settings_row.pk}"):
        assert admin_client_panel.post(f"/admin/billing/{path}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client_panel.post(f"/admin/billing/uploadedfilelink/{link.pk}/change/",
                                   {"file_name": "x.csv"}).status_code == 403
    assert admin_client_panel.get("/admin/billing/uploadedfilelink/add/").status_code == 403
    assert AccountSnapshot.objects.count() == UploadedFileLink.objects.count() == 1
