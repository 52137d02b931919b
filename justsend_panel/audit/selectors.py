"""Reads of the activity log: the Activity page's rows, an object's last entries, links."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from justsend_panel.audit.actions import NUMBER
from justsend_panel.audit.models import AuditEntry

# object_type -> (URL name, whether its argument is the id as a number)
OBJECT_PAGES = {
    "campaigns.campaign": "campaigns:campaign_detail",
    "contacts.group": "contacts:group_detail",
    "contacts.import": "contacts:import_detail",
    NUMBER: "campaigns:number_history",
}
# Entries about these are about users: their page is the users list when there is one.
USER_TYPES = {"auth.user"}


def audit_entries_qs() -> QuerySet[AuditEntry]:
    """Newest first, served by the (at) index; each row's user in the same query."""
    return AuditEntry.objects.select_related("actor").order_by("-at", "-pk")


def audit_entries_for_object(*, object_type: str, object_id, limit: int = 10) -> list[AuditEntry]:
    """The object's last entries, from the (object_type, object_id, at) index."""
    return list(
        audit_entries_qs().filter(object_type=object_type, object_id=str(object_id))[:limit]
    )


def audit_object_url(entry: AuditEntry) -> str | None:
    """The page of the entry's object, when it has one (a deleted group's is gone)."""
    if entry.action == "group.deleted" or not entry.object_id:
        return None
    if entry.object_type in USER_TYPES:
        for name in ("users:user_list", "admin:auth_user_changelist"):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None
    name = OBJECT_PAGES.get(entry.object_type)
    if name is None:
        return None
    argument = entry.object_id if entry.object_type == NUMBER else int(entry.object_id)
    try:
        return reverse(name, args=[argument])
    except NoReverseMatch:
        return None


def audit_object_types() -> list[tuple[str, str]]:
    """The object types an entry can name, for the filter (no DISTINCT over the table)."""
    from django.apps import apps
    from django.utils.translation import gettext_lazy as _

    labels = []
    for object_type in (*OBJECT_PAGES, "contacts.syncoperation", *USER_TYPES):
        if object_type == NUMBER:
            labels.append((NUMBER, _("Phone number")))
            continue
        app_label, model_name = object_type.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        labels.append((object_type, model._meta.verbose_name.capitalize()))
    return labels
