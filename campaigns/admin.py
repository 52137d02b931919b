"""Admin of campaigns and their recipients, going through the same services as the pages.

A draft is edited and deleted through ``campaigns.services.editing``, which checks it as
the compose page does; a launched campaign is read-only here (its message and audience
were sent, or are being sent) and is cancelled with the "Cancel" action, which calls
``campaign_cancel``. Recipients are history: never added, changed or deleted here.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services.cancelling import campaign_cancel
from campaigns.services.editing import (
    EDITABLE,
    MANY_TO_MANY,
    campaign_create,
    campaign_draft_delete,
    campaign_update,
    campaign_validate,
)
from justsend_panel.core.admin import HistoryAdmin

# Values Justsend owns or the send engine writes: an edit here would only lie.
ENGINE_FIELDS = (
    "reference", "status", "failure_reason", "cancel_error", "batch_id", "bulk_status",
    "submission_mode", "submit_attempts", "recipients_count", "duplicates_removed",
    "blacklisted_removed", "invalid_removed", "outside_country_removed", "excluded_removed",
    "prepared_count",
    "prepared_at", "sent_count",
    "delivered_count", "undelivered_count", "not_sent_count", "remote_recipients_count",
    "remote_invalid_count", "remote_invalid_recipients", "charged_points", "cost",
    "cost_currency", "launched_at", "submitted_at", "finished_at", "last_polled_at",
    "created_by", "launched_by", "source", "created_at", "updated_at",
)


def _is_draft(campaign) -> bool:
    return campaign is None or campaign.status == Campaign.Status.DRAFT


class CampaignAdminForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = "__all__"

    def _post_clean(self):
        super()._post_clean()
        try:
            campaign_validate(self.instance)
        except CampaignError as error:
            self.add_error(None, error.message)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = (
        "name", "status", "bulk_type", "variant", "scheduled_at", "recipients_count",
        "delivered_count", "cost", "created_by", "created_at",
    )
    list_filter = ("status", "bulk_type", "variant", "submission_mode", "created_at")
    search_fields = ("name", "=reference", "=batch_id")
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
    actions = ["cancel"]

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in (*EDITABLE, *MANY_TO_MANY)
                if name in form.cleaned_data}
        try:
            if change:
                campaign_update(campaign=obj, data=data)
            else:
                obj.pk = campaign_create(user=request.user, data=data).pk
        except CampaignError as error:
            self.message_user(request, error.message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # the groups were set by the service, with the campaign

    def delete_model(self, request, obj):
        self._delete(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete(request, queryset)

    def _delete(self, request, campaigns):
        for campaign in campaigns:
            try:
                campaign_draft_delete(campaign=campaign)
            except CampaignError as error:
                self.message_user(request, f"{campaign}: {error.message}", messages.ERROR)

    @admin.action(description=_("Cancel the selected campaigns"))
    def cancel(self, request, queryset):
        asked = 0
        for campaign in queryset:
            try:
                campaign_cancel(campaign=campaign, user=request.user)
            except CampaignError as error:
                self.message_user(request, f"{campaign}: {error.message}", messages.ERROR)
            else:
                asked += 1
        if asked:
            self.message_user(request, ngettext(
                "%(count)d campaign is cancelled or being cancelled.",
                "%(count)d campaigns are cancelled or being cancelled.", asked,
            ) % {"count": asked}, messages.SUCCESS)


@admin.register(Recipient)
class RecipientAdmin(HistoryAdmin):
    """History of what was sent: read-only, and never deleted here."""

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


from campaigns.deliveries import admin as deliveries_admin  # noqa: E402,F401


@admin.register(ProviderCall)
class ProviderCallAdmin(HistoryAdmin):
    """Calls recorded before they were made (providers without a batch lookup): history."""

    list_display = ("reference", "campaign", "provider", "state", "accepted_count",
                    "rejected_count", "created_at", "answered_at", "resent_at")
    list_filter = ("state", "provider")
    search_fields = ("=reference", "=batch_id", "campaign__name")
    list_select_related = ("campaign",)
    fields = ("campaign", "provider", "sequence", "reference", "state", "batch_id",
              "accepted_count", "rejected_count", "error", "recipient_ids", "attempts",
              "created_at", "answered_at", "resent_at")
    readonly_fields = fields
from campaigns.media import admin as media_admin  # noqa: E402,F401
