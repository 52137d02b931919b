"""Admin of delivery tracking: read-only, since Justsend wrote every value, and nothing
deleted (postbacks, replies and counts are history or pending work). Quarantined
postbacks are applied again through the apply service."""

import base64

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.deliveries.models import DeliveryCounts, Postback, ProviderNotification, Reply
from campaigns.deliveries.services.applying import postbacks_reapply
from campaigns.deliveries.services.statuses import provider_notifications_reapply
from justsend_panel.core.admin import HistoryAdmin


class RawBodyKeptFilter(admin.SimpleListFilter):
    title = _("body altered on receipt")
    parameter_name = "raw_kept"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes: the raw bytes are kept"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(raw_body__isnull=False)
        return queryset


@admin.register(Postback)
class PostbackAdmin(HistoryAdmin):
    list_display = ("pk", "kind", "state", "attempts", "short_error", "msisdn", "bulk_uuid",
                    "received_at", "applied_at")
    list_filter = ("state", "kind", RawBodyKeptFilter, "received_at")
    search_fields = ("=msisdn", "=bulk_uuid", "=message_id", "=dedup_key")
    date_hierarchy = "received_at"
    show_full_result_count = False  # millions of rows: no COUNT(*) per page
    fields = ("kind", "state", "error", "attempts", "received_at", "applied_at", "bulk_uuid",
              "msisdn", "message_id", "dedup_key", "body", "raw_body_base64")
    readonly_fields = ("raw_body_base64",)
    actions = ["reapply"]

    @admin.display(description=_("error"))
    def short_error(self, obj: Postback) -> str:
        return obj.error[:120]

    @admin.display(description=_("raw body (base64)"))
    def raw_body_base64(self, obj: Postback) -> str:
        if obj.raw_body is None:
            return "—"
        return base64.b64encode(bytes(obj.raw_body)).decode()

    def has_reapply_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    @admin.action(description=_("Apply the selected quarantined postbacks again"),
                  permissions=["reapply"])
    def reapply(self, request, queryset):
        ids = list(queryset.filter(state=Postback.State.FAILED).values_list("pk", flat=True))
        count = postbacks_reapply(ids=ids)
        self.message_user(request, ngettext(
            "%(count)d quarantined postback queued to be applied again.",
            "%(count)d quarantined postbacks queued to be applied again.", count,
        ) % {"count": count}, messages.SUCCESS if count else messages.WARNING)


@admin.register(Reply)
class ReplyAdmin(HistoryAdmin):
    list_display = ("msisdn", "message", "campaign", "is_stop", "operator", "received_at")
    list_filter = ("is_stop", "operator", "received_at")
    search_fields = ("=msisdn", "message", "campaign__name")
    list_select_related = ("campaign",)
    date_hierarchy = "received_at"
    fields = ("msisdn", "message", "received_at", "campaign", "is_stop", "blacklist_entry",
              "sender", "operator", "prefix", "group_name", "message_id", "postback",
              "notification", "notification_index", "created_at")
    readonly_fields = fields


@admin.register(DeliveryCounts)
class DeliveryCountsAdmin(HistoryAdmin):
    list_display = ("campaign", "sent", "delivered", "undelivered", "expired", "rejected",
                    "replies", "updated_at")
    search_fields = ("campaign__name",)
    list_select_related = ("campaign",)


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(HistoryAdmin):
    """Other providers' status notifications as received; quarantined ones applied again."""

    list_display = ("pk", "provider", "state", "attempts", "short_error", "received_at",
                    "applied_at")
    list_filter = ("state", "provider", "received_at")
    search_fields = ("=dedup_key",)
    date_hierarchy = "received_at"
    show_full_result_count = False
    fields = ("provider", "state", "error", "attempts", "received_at", "applied_at",
              "dedup_key", "headers", "body")
    actions = ["reapply"]

    @admin.display(description=_("error"))
    def short_error(self, obj: ProviderNotification) -> str:
        return obj.error[:120]

    def has_reapply_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    @admin.action(description=_("Apply the selected quarantined notifications again"),
                  permissions=["reapply"])
    def reapply(self, request, queryset):
        ids = list(queryset.filter(state=ProviderNotification.State.FAILED)
                   .values_list("pk", flat=True))
        count = provider_notifications_reapply(ids=ids)
        self.message_user(request, ngettext(
            "%(count)d quarantined notification queued to be applied again.",
            "%(count)d quarantined notifications queued to be applied again.", count,
        ) % {"count": count}, messages.SUCCESS if count else messages.WARNING)
