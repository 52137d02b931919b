"""Members of a group: add, change and delete locally, each with its push to Justsend.

The group's ``member_count`` moves with F() in the same transaction as the rows, so pages
never count a million rows; Justsend knows no extra attributes, so changing only those
pushes nothing.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contacts.models import Group, Member, SyncOperation
from contacts.phones import msisdn_parse
from contacts.services.groups import group_attribute_keys_add, group_hold
from contacts.services.outbox import sync_operation_add
from justsend_panel.core.exceptions import ApplicationError

Kind = SyncOperation.Kind
ATTRIBUTE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,49}")
PUSHED_FIELDS = ("msisdn", "name", "surname", "address")


def member_wire(member: Member) -> dict:
    """What Justsend stores of a member, as an outbox payload item."""
    return {field: getattr(member, field) for field in PUSHED_FIELDS}


def msisdn_require(raw: str) -> str:
    parsed = msisdn_parse(raw or "")
    if not parsed.valid:
        raise ApplicationError(parsed.error)
    return parsed.msisdn


def attributes_clean(attributes: dict | None) -> dict:
    cleaned = {}
    for key, value in (attributes or {}).items():
        if not ATTRIBUTE_KEY.fullmatch(key):
            raise ApplicationError(
                _("“%(key)s” cannot be an attribute name: use letters, digits and _ (up to 50),"
                  " starting with a letter.") % {"key": key}
            )
        cleaned[key] = str(value)
    return cleaned


def _already_in_group(msisdn: str) -> ApplicationError:
    return ApplicationError(_("%(number)s is already in this group.") % {"number": msisdn})


@transaction.atomic
def member_add(
    *, group: Group, msisdn: str, name: str = "", surname: str = "", address: str = "",
    attributes: dict | None = None,
) -> Member:
    number = msisdn_require(msisdn)
    if not group_hold(group_id=group.pk):
        raise ApplicationError(_("This group has been deleted."))
    member = Member(
        group=group, msisdn=number, name=name.strip(), surname=surname.strip(),
        address=address.strip(), attributes=attributes_clean(attributes),
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _already_in_group(number) from None
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    group_attribute_keys_add(group_id=group.pk, keys=member.attributes)
    sync_operation_add(kind=Kind.MEMBERS_ADD, group=group, payload={"members": [member_wire(member)]})
    return member


@transaction.atomic
def member_update(
    *, member: Member, msisdn: str, name: str = "", surname: str = "", address: str = "",
    attributes: dict | None = None,
) -> Member:
    before = member_wire(member)
    member.msisdn = msisdn_require(msisdn)
    member.name, member.surname, member.address = name.strip(), surname.strip(), address.strip()
    member.attributes = attributes_clean(attributes)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _already_in_group(member.msisdn) from None
    group_attribute_keys_add(group_id=member.group_id, keys=member.attributes)
    after = member_wire(member)
    if after != before:
        sync_operation_add(
            kind=Kind.MEMBERS_UPDATE, group=member.group,
            payload={"updates": [{"msisdn": before["msisdn"], "member": after}]},
        )
    return member


@transaction.atomic
def members_delete(*, group: Group, member_ids: list[int]) -> int:
    """Delete the given members of the group; ids of other groups are ignored."""
    members = Member.objects.filter(group=group, pk__in=member_ids)
    msisdns = list(members.values_list("msisdn", flat=True))
    if not msisdns:
        return 0
    deleted, _by_model = members.delete()
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") - deleted)
    sync_operation_add(kind=Kind.MEMBERS_REMOVE, group=group, payload={"msisdns": msisdns})
    return deleted
