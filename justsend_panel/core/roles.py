"""The two roles of the panel and the permissions each holds.

Marketing staff manage contacts and campaigns and read billing and statistics;
administrators (staff) have everything, Django admin and the account settings among it.
The groups are created by a data migration; their permissions are brought up to date
after every migrate, so a model added by a later change is granted without a new
migration.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

MARKETING = "Marketing"
ADMINISTRATORS = "Administrators"

# app label -> the codenames Marketing holds there; None means every permission of the app.
MARKETING_GRANTS: dict[str, list[str] | None] = {
    "core": ["use_panel"],
    "contacts": None,
    "campaigns": None,
}
# Apps whose data Marketing may read but not change.
MARKETING_READS = ("billing",)


def marketing_permissions_qs():
    query = Q(content_type__app_label__in=MARKETING_READS, codename__startswith="view_")
    for app_label, codenames in MARKETING_GRANTS.items():
        app_query = Q(content_type__app_label=app_label)
        if codenames is not None:
            app_query &= Q(codename__in=codenames)
        query |= app_query
    return Permission.objects.filter(query)


def roles_sync() -> None:
    marketing, _ = Group.objects.get_or_create(name=MARKETING)
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    marketing.permissions.set(marketing_permissions_qs())
    administrators.permissions.set(Permission.objects.all())


def roles_sync_after_migrate(sender, **kwargs) -> None:
    roles_sync()
