"""Billing admin: Justsend's figures and the upload record are history (read-only, kept);
the settings row is changed through ``low_balance_threshold_set``."""

from django.contrib import admin

from billing.models import AccountSnapshot, BillingSettings, UploadedFileLink
from billing.selectors import BILLING_SETTINGS_PK
from billing.services import low_balance_threshold_set
from justsend_panel.core.admin import HistoryAdmin


@admin.register(AccountSnapshot)
class AccountSnapshotAdmin(HistoryAdmin):
    """Justsend owns these figures, and the balance chart is drawn from them: read-only."""

    list_display = ("taken_at", "account_balance", "promo_points", "source")
    list_filter = ("source",)
    search_fields = ("account_balance",)
    date_hierarchy = "taken_at"
    readonly_fields = (
        "taken_at", "account_balance", "promo_points", "prices", "variants", "source",
    )


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "low_balance_threshold", "updated_at", "updated_by")
    list_filter = ("updated_at",)
    search_fields = ("updated_by__username",)
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return not BillingSettings.objects.filter(pk=BILLING_SETTINGS_PK).exists()

    def has_delete_permission(self, request, obj=None):
        return False  # the one row: changed, never removed

    def save_model(self, request, obj, form, change):
        low_balance_threshold_set(threshold=obj.low_balance_threshold, user=request.user)


@admin.register(UploadedFileLink)
class UploadedFileLinkAdmin(HistoryAdmin):
    """Written by a campaign's launch; the Uploaded files page matches Justsend's files by it."""

    list_display = ("file_name", "campaign_id", "campaign_name", "batch_id", "created_at")
    list_filter = ("created_at",)
    search_fields = ("file_name", "campaign_name", "batch_id")
    date_hierarchy = "created_at"
    readonly_fields = ("file_name", "batch_id", "campaign_id", "campaign_name", "created_at",
                       "updated_at")
