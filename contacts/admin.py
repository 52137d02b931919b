"""Admin pages of contacts. Saving and deleting go through the services, so a change made
here is pushed to Justsend like one made on the panel's pages; what Justsend owns (its
ids, the sync state, the member counter) is read-only."""

from collections import defaultdict

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

import contacts.imports.admin  # noqa: F401  (imports register their own admin pages)
from contacts.models import BlacklistEntry, BlacklistEvent, Group, Member, SyncOperation
from contacts.services.blacklist import blacklist_entries_remove, blacklist_numbers_add
from contacts.services.groups import group_create, group_delete, group_update
from contacts.services.members import members_delete
from contacts.services.push import group_sync_retry, sync_operations_retry
from justsend_panel.core.admin import HistoryAdmin
from justsend_panel.sms.exceptions import SmsUnsupported

SYNC_FIELDS = ("sync_state", "sync_error", "synced_at")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "group_type", "country", "member_count", "sync_state", "synced_at",
                    "remote_id")
    list_filter = ("group_type", "sync_state", "country")
    search_fields = ("name", "=remote_id")
    readonly_fields = ("remote_id", "member_count", *SYNC_FIELDS, "created_at", "updated_at")
    actions = ["retry_sync"]

    def save_model(self, request, obj, form, change):
        data = {"name": obj.name, "group_type": obj.group_type, "country": obj.country}
        if change:
            group_update(group=Group.objects.get(pk=obj.pk), **data, by=request.user)
        else:
            obj.pk = group_create(**data, by=request.user).pk

    def delete_model(self, request, obj):
        group_delete(group=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            group_delete(group=group, by=request.user)

    @admin.action(description=_("Push the failed changes of the selected groups again"))
    def retry_sync(self, request, queryset):
        try:
            for group in queryset:
                group_sync_retry(group=group)
        except SmsUnsupported as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("Queued again."), messages.SUCCESS)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Read-only but for removal, which goes through ``members_delete`` (counter and push);
    members are added and edited on the group pages, which check the number."""

    list_display = ("msisdn", "group", "name", "surname", "address", "created_at")
    list_filter = ("group",)
    search_fields = ("=msisdn", "name", "surname")
    list_select_related = ("group",)
    show_full_result_count = False  # groups reach a million members

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        members_delete(group=obj.group, member_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        by_group = defaultdict(list)
        for member_id, group_id in queryset.values_list("pk", "group_id"):
            by_group[group_id].append(member_id)
        for group in Group.objects.filter(pk__in=by_group):
            members_delete(group=group, member_ids=by_group[group.pk])


def _is_opt_out(entry) -> bool:
    return entry is not None and entry.reason == BlacklistEntry.Reason.STOP_REPLY


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin):
    """Added and removed through the blacklist services, which record who did it.

    A STOP reply's entry is not removed here: the blacklist page asks the administrator to
    confirm that the person opted out and why they may be messaged again.
    """

    list_display = ("msisdn", "country", "reason", "created_by", "created_at", "sync_state")
    list_filter = ("reason", "country", "sync_state")
    search_fields = ("=msisdn", "note")
    list_select_related = ("created_by",)
    fields = ("msisdn", "note", "country", "reason", "created_by", "created_at", *SYNC_FIELDS,
              "events")

    def get_readonly_fields(self, request, obj=None):
        readonly = ("country", "reason", "created_by", "created_at", *SYNC_FIELDS, "events")
        return ("msisdn", *readonly) if obj else readonly

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_opt_out(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("Additions and removals"))
    def events(self, obj):
        if obj is None or not obj.msisdn:
            return "—"
        rows = BlacklistEvent.objects.filter(msisdn=obj.msisdn).select_related("user")
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} · {} · {} · {} {}</li>",
            ((event.created_at, event.get_action_display(), event.get_source_display(),
              event.actor, event.reason) for event in rows),
        )) if rows else "—"

    def save_model(self, request, obj, form, change):
        result = blacklist_numbers_add(text=obj.msisdn, note=obj.note, user=request.user)
        if result.invalid:
            self.message_user(request, result.invalid[0].error, messages.ERROR)
        saved = BlacklistEntry.objects.filter(msisdn__in=result.added + result.already).first()
        obj.pk = saved.pk if saved else None

    def delete_model(self, request, obj):
        self.delete_queryset(request, BlacklistEntry.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        opted_out = list(queryset.filter(reason=BlacklistEntry.Reason.STOP_REPLY)
                         .values_list("msisdn", flat=True))
        if opted_out:
            self.message_user(request, format_html(
                _("{numbers} opted out by replying STOP: remove them on the "
                  "<a href=\"{url}\">blacklist page</a>, which asks why."),
                numbers=", ".join(opted_out[:20]), url=reverse("contacts:blacklist"),
            ), messages.ERROR)
        rest = list(queryset.exclude(reason=BlacklistEntry.Reason.STOP_REPLY)
                    .values_list("pk", flat=True))
        if rest:
            blacklist_entries_remove(entry_ids=rest, user=request.user)


@admin.register(BlacklistEvent)
class BlacklistEventAdmin(HistoryAdmin):
    """The record of additions and removals: append-only, written by the services."""

    list_display = ("created_at", "msisdn", "action", "source", "user", "reason")
    list_filter = ("action", "source", "created_at")
    search_fields = ("=msisdn", "reason", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(SyncOperation)
class SyncOperationAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "state", "group", "items_done", "items_total", "attempts",
                    "last_error", "created_at", "done_at")
    list_filter = ("state", "kind")
    search_fields = ("last_error", "group__name")
    list_select_related = ("group",)
    readonly_fields = [f.name for f in SyncOperation._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A pending or running row is a change not yet in Justsend (deleting it would leave
        # the group "pending" forever), a done one is history, a failed one waits for
        # "retry": none is deleted here (done rows are cleared after a week).
        return False

    @admin.action(description=_("Push the selected failed operations again"))
    def retry(self, request, queryset):
        count = sync_operations_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d operation queued again.", "%(count)d operations queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
