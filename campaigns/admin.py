from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Recipient
from justsend_panel.sms.justsend import rules

# Values Justsend owns or the send engine writes: an edit here would only lie.
ENGINE_FIELDS = (
    "reference", "status", "failure_reason", "cancel_error", "bulk_uuid", "bulk_status",
    "submission_mode", "submit_attempts", "recipients_count", "duplicates_removed",
    "blacklisted_removed", "invalid_removed", "outside_country_removed", "excluded_removed",
    "prepared_count",
    "prepared_at", "sent_count",
    "delivered_count", "undelivered_count", "not_sent_count", "remote_recipients_count",
    "remote_invalid_count", "remote_invalid_recipients", "charged_points", "cost",
    "cost_currency", "launched_at", "submitted_at", "finished_at", "last_polled_at",
    "created_by", "launched_by", "source", "created_at", "updated_at",
)


class CampaignAdminForm(forms.ModelForm):
    """The manual's sender and country rules, as the compose form and the service apply them."""

    def clean(self):
        data = super().clean()
        variant = data.get("variant")
        for error in rules.sender_errors(variant, data.get("sender")):
            self.add_error("sender", error)
        for error in rules.country_errors(variant, data.get("country")):
            self.add_error("country", error)
        return data


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = (
        "name", "status", "bulk_type", "variant", "scheduled_at", "recipients_count",
        "delivered_count", "cost", "created_by", "created_at",
    )
    list_filter = ("status", "bulk_type", "variant", "submission_mode", "created_at")
    search_fields = ("name", "=reference", "=bulk_uuid")
    date_hierarchy = "created_at"
    readonly_fields = ENGINE_FIELDS
    filter_horizontal = ("groups", "excluded_groups")
    fieldsets = (
        (None, {"fields": ("name", "bulk_type", "variant", "sender", "country", "voice_config",
                           "message", "parameter_fields", "scheduled_at")}),
        (_("Audience"), {"fields": ("groups", "excluded_groups", "pasted_numbers",
                                    "audience_file", "audience_file_name", "audience_encoding",
                                    "audience_delimiter", "audience_has_header",
                                    "audience_mapping", "only_numbers")}),
        (_("Sending (written by the send engine and Justsend)"), {"fields": ENGINE_FIELDS}),
    )


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("msisdn", "campaign", "status", "operator", "sent_at", "delivered_at")
    list_filter = ("status", "operator")
    search_fields = ("=msisdn", "campaign__name", "=message_id")
    list_select_related = ("campaign",)
    raw_id_fields = ("campaign",)
    readonly_fields = (
        "campaign", "msisdn", "content", "params", "status", "status_code", "operator",
        "message_id", "sent_at", "delivered_at", "updated_at",
    )
    show_full_result_count = False  # a million recipients: no COUNT(*) per page

    def has_add_permission(self, request):
        return False


from campaigns.deliveries import admin as deliveries_admin  # noqa: E402,F401
