"""The three roles of the panel and the permissions each holds.

Marketing staff manage contacts and campaigns and read billing and statistics;
administrators (staff) have everything, Django admin and the account settings among it;
a Viewer reads the dashboard, campaigns, statistics, billing and contacts (groups,
members, blacklist, imports, replies) and changes nothing. The Viewer's view
permissions only open pages: every unsafe request of a Viewer is refused in one place,
``justsend_panel.core.middleware.ReadOnlyRoleMiddleware``.
The groups are created by data migrations; their permissions are brought up to date
after every migrate, so a model added by a later change is granted without a new
migration.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

MARKETING = "Marketing"
ADMINISTRATORS = "Administrators"
VIEWER = "Viewer"
ROLES = (MARKETING, ADMINISTRATORS, VIEWER)

# app label -> the codenames Marketing holds there; None means every permission of the app.
MARKETING_GRANTS: dict[str, list[str] | None] = {
    "core": ["use_panel"],
    "contacts": None,
    "campaigns": None,
}
# Apps whose data Marketing may read but not change.
MARKETING_READS = ("billing",)
# Apps whose data a Viewer may read (the view_* permissions), besides using the panel.
VIEWER_READS = ("billing", "campaigns", "contacts")


def marketing_permissions_qs():
    query = Q(content_type__app_label__in=MARKETING_READS, codename__startswith="view_")
    for app_label, codenames in MARKETING_GRANTS.items():
        app_query = Q(content_type__app_label=app_label)
        if codenames is not None:
            app_query &= Q(codename__in=codenames)
        query |= app_query
    return Permission.objects.filter(query)


def viewer_permissions_qs():
    return Permission.objects.filter(
        Q(content_type__app_label="core", codename="use_panel")
        | Q(content_type__app_label__in=VIEWER_READS, codename__startswith="view_")
    )


def roles_sync() -> None:
    marketing, _ = Group.objects.get_or_create(name=MARKETING)
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    viewer, _ = Group.objects.get_or_create(name=VIEWER)
    marketing.permissions.set(marketing_permissions_qs())
    administrators.permissions.set(Permission.objects.all())
    viewer.permissions.set(viewer_permissions_qs())


def user_is_read_only(user) -> bool:
    """A Viewer (not a superuser): may look at the panel, never change anything."""
    if not user.is_authenticated or user.is_superuser:
        return False
    return user.groups.filter(name=VIEWER).exists()


def user_has_role(user) -> bool:
    """Whether the account may use the panel at all: a role (or superuser) grants it."""
    return user.has_perm("core.use_panel")


def roles_sync_after_migrate(sender, **kwargs) -> None:
    roles_sync()


def administrators_to_ask():
    """The active administrators, whom a user without a role is told to ask for one."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATORS))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
