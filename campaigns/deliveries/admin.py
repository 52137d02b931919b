"""Admin of delivery tracking: read-only, since Justsend wrote every value."""

from django.contrib import admin

from campaigns.deliveries.models import DeliveryCounts, Postback, Reply


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Postback)
class PostbackAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "state", "msisdn", "bulk_uuid", "received_at", "applied_at")
    list_filter = ("kind", "state", "received_at")
    search_fields = ("=msisdn", "=bulk_uuid", "=message_id", "=dedup_key")
    date_hierarchy = "received_at"
    show_full_result_count = False  # millions of rows: no COUNT(*) per page
    fields = ("kind", "state", "error", "received_at", "applied_at", "bulk_uuid", "msisdn",
              "message_id", "dedup_key", "body")


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ("msisdn", "message", "campaign", "is_stop", "operator", "received_at")
    list_filter = ("is_stop", "operator", "received_at")
    search_fields = ("=msisdn", "message", "campaign__name")
    list_select_related = ("campaign",)
    date_hierarchy = "received_at"
    fields = ("msisdn", "message", "received_at", "campaign", "is_stop", "blacklist_entry",
              "sender", "operator", "prefix", "group_name", "message_id", "postback",
              "created_at")
    readonly_fields = fields


@admin.register(DeliveryCounts)
class DeliveryCountsAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "sent", "delivered", "undelivered", "expired", "rejected",
                    "replies", "updated_at")
    search_fields = ("campaign__name",)
    list_select_related = ("campaign",)
