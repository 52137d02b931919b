"""Groups: create, change and delete locally; each change queues its push to Justsend."""

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contacts.models import Group, GroupAttributeKey, SyncOperation
from contacts.services.outbox import sync_operation_add
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.exceptions import ApplicationError

Kind = SyncOperation.Kind


def _group_clean(*, name: str, group_type: str, country: str) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("A group needs a name."))
    if group_type not in Group.Type.values:
        raise ApplicationError(_("Unknown group type “%(type)s”.") % {"type": group_type})
    if group_type == Group.Type.INTERNATIONAL and not country:
        raise ApplicationError(_("An international group needs a country."))
    return name, group_type, country or ""


@transaction.atomic
def group_create(
    *, name: str, group_type: str = Group.Type.LOCAL, country: str = "", by=None
) -> Group:
    name, group_type, country = _group_clean(name=name, group_type=group_type, country=country)
    group = Group.objects.create(name=name, group_type=group_type, country=country)
    sync_operation_add(kind=Kind.GROUP_CREATE, group=group, payload={})
    audit_record(action=Action.GROUP_CREATED, actor=by, obj=group)
    return group


@transaction.atomic
def group_update(*, group: Group, name: str, group_type: str, country: str, by=None) -> Group:
    name, group_type, country = _group_clean(name=name, group_type=group_type, country=country)
    if (group.name, group.group_type, group.country) == (name, group_type, country):
        return group
    old_name = group.name
    group.name, group.group_type, group.country = name, group_type, country
    group.save(update_fields=["name", "group_type", "country", "updated_at"])
    # The push reads the group as it is then, so one update carries every later edit too.
    sync_operation_add(kind=Kind.GROUP_UPDATE, group=group, payload={})
    audit_record(
        action=Action.GROUP_CHANGED, actor=by, obj=group,
        summary=gettext_noop("Was “%(old)s”") if old_name != name else "",
        summary_params={"old": old_name},
    )
    return group


def group_hold(*, group_id: int) -> bool:
    """Hold the group's row until this transaction ends; call it before adding members.

    Members have no foreign-key constraint in the database (see ``Member``); this is what
    keeps a member from outliving its group. ``group_delete`` locks the row FOR UPDATE
    before it deletes, so a delete waits for every transaction that holds the group and
    then deletes the members they added, and a hold that waited for a delete finds no
    group: False, add nothing. FOR KEY SHARE is the lock a foreign-key check takes, once
    per transaction instead of once per row; it does not conflict with the member
    counter's UPDATE, so two import runners hold one group at the same time. SQLite runs
    one writing transaction at a time, so there a check that the group exists is enough.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("group_hold() holds a lock until the transaction ends.")
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Group._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE", [group_id])
            return cursor.fetchone() is not None
    return Group.objects.filter(pk=group_id).exists()


@transaction.atomic
def group_delete(*, group: Group, by=None) -> None:
    """Delete the group, its members and what was still waiting to be pushed for it.

    Justsend deletes the members with the group, so pending member pushes are dropped; the
    delete itself carries the Justsend id, since the local row is gone when it runs. The
    group's row is locked first: a transaction adding members (``group_hold``) finishes
    before the members are deleted, so none of them is left behind.
    """
    if not Group.objects.select_for_update().filter(pk=group.pk).exists():
        return  # deleted meanwhile (two admins, or a list action and a page)
    SyncOperation.objects.filter(
        group=group, state__in=[SyncOperation.State.PENDING, SyncOperation.State.FAILED]
    ).delete()
    sync_operation_add(
        kind=Kind.GROUP_DELETE, group=group,
        payload={"remote_id": group.remote_id, "name": group.name},
    )
    audit_record(
        action=Action.GROUP_DELETED, actor=by, obj=group,
        summary=gettext_noop("%(members)s members"),
        summary_params={"members": group.member_count},
    )
    group.delete()


def group_attribute_keys_add(*, group_id: int, keys) -> None:
    """Record that the group's members have these attribute keys (for the composer's field
    picker); called in the transaction that writes the members. Idempotent and safe for
    concurrent writers: one row per key, conflicts ignored."""
    rows = [GroupAttributeKey(group_id=group_id, key=key) for key in sorted(set(keys)) if key]
    if rows:
        GroupAttributeKey.objects.bulk_create(rows, ignore_conflicts=True)
