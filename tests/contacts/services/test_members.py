import pytest

from contacts.models import Group, Member, SyncOperation
from contacts.services.groups import group_create, group_delete, group_update
from contacts.services.members import member_add, member_update, members_delete
from justsend_panel.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db
Kind = SyncOperation.Kind


def _kinds():
    return list(SyncOperation.objects.order_by("pk").values_list("kind", flat=True))


@pytest.mark.parametrize("typed", ["500 123 123", "+48 500-123-123", "0048500123123", "48500123123"])
def test_a_number_typed_any_way_is_stored_normalised(typed):
    group = group_create(name="G")
    assert member_add(group=group, msisdn=typed).msisdn == "48500123123"


def test_add_counts_and_queues_one_push_in_the_same_transaction():
    group = group_create(name="G")
    member_add(group=group, msisdn="500123123", name=" Jan ", attributes={"city": "Łódź"})
    group.refresh_from_db()
    assert group.member_count == 1
    assert _kinds() == [Kind.GROUP_CREATE, Kind.MEMBERS_ADD]
    add = SyncOperation.objects.get(kind=Kind.MEMBERS_ADD)
    assert add.payload == {"members": [{"msisdn": "48500123123", "name": "Jan", "surname": "", "address": ""}]}
    assert add.items_total == 1


def test_a_number_twice_in_a_group_is_refused_with_its_number():
    group = group_create(name="G")
    member_add(group=group, msisdn="500123123")
    with pytest.raises(ApplicationError, match="48500123123 is already in this group"):
        member_add(group=group, msisdn="+48500123123")
    assert Group.objects.get(pk=group.pk).member_count == 1
    assert _kinds().count(Kind.MEMBERS_ADD) == 1


def test_an_invalid_number_is_named_in_the_error():
    group = group_create(name="G")
    with pytest.raises(ApplicationError, match="“12345” is not a valid phone number"):
        member_add(group=group, msisdn="12345")


def test_a_bad_attribute_name_is_refused():
    group = group_create(name="G")
    with pytest.raises(ApplicationError, match="cannot be an attribute name"):
        member_add(group=group, msisdn="500123123", attributes={"two words": "x"})


def test_changing_only_attributes_pushes_nothing_but_a_number_change_does():
    group = group_create(name="G")
    member = member_add(group=group, msisdn="500123123")
    member_update(member=member, msisdn="500123123", attributes={"city": "Gdańsk"})
    assert Kind.MEMBERS_UPDATE not in _kinds()
    member_update(member=member, msisdn="500123124", name="Ola", attributes={"city": "Gdańsk"})
    update = SyncOperation.objects.get(kind=Kind.MEMBERS_UPDATE)
    assert update.payload["updates"] == [{"msisdn": "48500123123", "member": {
        "msisdn": "48500123124", "name": "Ola", "surname": "", "address": ""}}]
    assert Member.objects.get().attributes == {"city": "Gdańsk"}


def test_delete_selected_only_touches_the_group_and_moves_the_counter():
    group, other = group_create(name="G"), group_create(name="H")
    mine = [member_add(group=group, msisdn=f"50012312{i}").pk for i in range(3)]
    foreign = member_add(group=other, msisdn="500123129").pk
    assert members_delete(group=group, member_ids=mine[:2] + [foreign]) == 2
    assert Group.objects.get(pk=group.pk).member_count == 1
    assert Member.objects.filter(pk=foreign).exists()
    remove = SyncOperation.objects.get(kind=Kind.MEMBERS_REMOVE)
    assert sorted(remove.payload["msisdns"]) == ["48500123120", "48500123121"]


def test_international_group_needs_a_country_and_delete_keeps_the_remote_id():
    with pytest.raises(ApplicationError):
        group_create(name="Abroad", group_type=Group.Type.INTERNATIONAL)
    group = group_create(name="Abroad", group_type=Group.Type.INTERNATIONAL, country="GERMANY")
    group_update(group=group, name="Abroad", group_type=Group.Type.INTERNATIONAL, country="GERMANY")
    assert Kind.GROUP_UPDATE not in _kinds()  # nothing changed, nothing to push
    Group.objects.filter(pk=group.pk).update(remote_id=77)
    group.refresh_from_db()
    member_add(group=group, msisdn="+49 1512 3456789")
    group_delete(group=group)
    assert not Group.objects.exists() and not Member.objects.exists()
    # The pending member push is dropped (Justsend drops members with the group).
    delete = SyncOperation.objects.get()
    assert (delete.kind, delete.payload["remote_id"]) == (Kind.GROUP_DELETE, 77)


@pytest.mark.parametrize("typed", ["+421 905 123 456", "00421905123456"])
def test_a_foreign_number_typed_in_the_member_form_is_added_as_it_is(typed):
    """Issue 13 point 3: the form's normalised ``421905123456`` was parsed again in region PL
    by the service and refused as "not a valid phone number"."""
    from contacts.forms import MemberForm

    group = group_create(name="SK", group_type=Group.Type.INTERNATIONAL, country="SLOVAKIA")
    form = MemberForm(data={"msisdn": typed})
    assert form.is_valid(), form.errors
    member = member_add(group=group, **form.cleaned_data)
    assert member.msisdn == "421905123456"
    assert member_update(member=member, **form.cleaned_data).msisdn == "421905123456"
