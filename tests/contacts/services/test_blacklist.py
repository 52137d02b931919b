import pytest

from contacts.models import BlacklistEntry, SyncOperation
from contacts.services.blacklist import (
    blacklist_entries_remove,
    blacklist_numbers_add,
    country_for_region,
    numbers_split,
)
from justsend_panel.sms.justsend.types import Country

pytestmark = pytest.mark.django_db


def test_numbers_split_keeps_spaces_and_dashes_inside_numbers():
    assert numbers_split("+48 500-123-123, 600100100;\n\n 0048 700 100 100\t1") == [
        "+48 500-123-123", "600100100", "0048 700 100 100", "1"]


@pytest.mark.parametrize("region, country", [
    ("PL", Country.POLAND), ("DE", Country.GERMANY), ("CZ", Country.CZECHIA),
    ("GB", Country.UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND),
    ("US", Country.POLAND), (None, Country.POLAND),
])
def test_country_for_region(region, country):
    assert country_for_region(region) == country


def test_add_lists_invalid_numbers_back_and_adds_the_rest(marketing_user):
    BlacklistEntry.objects.create(msisdn="48600100100")
    result = blacklist_numbers_add(
        text="500 123 123\n600100100\nnot a number\n12\n+49 1512 3456789\n22 123 45 67\n500123123",
        user=marketing_user,
    )
    assert sorted(result.added) == ["48221234567", "48500123123", "4915123456789"]
    assert result.already == ["48600100100"]
    assert [p.raw for p in result.invalid] == ["not a number", "12"]
    assert "“12”" in result.invalid[1].error
    assert result.landlines == ["48221234567"]  # Warsaw fixed line: flagged, still added
    entry = BlacklistEntry.objects.get(msisdn="4915123456789")
    assert (entry.country, entry.reason, entry.created_by) == ("GERMANY", "manual", marketing_user)
    payloads = sorted((o.payload["country"], sorted(o.payload["msisdns"])) for o in SyncOperation.objects.all())
    assert payloads == [("GERMANY", ["4915123456789"]), ("POLAND", ["48221234567", "48500123123"])]


def test_remove_pushes_a_removal_per_country():
    blacklist_numbers_add(text="500123123, +49 1512 3456789")
    SyncOperation.objects.all().delete()
    assert blacklist_entries_remove(entry_ids=list(BlacklistEntry.objects.values_list("pk", flat=True))) == 2
    assert sorted(o.payload["country"] for o in SyncOperation.objects.all()) == ["GERMANY", "POLAND"]
    assert {o.kind for o in SyncOperation.objects.all()} == {SyncOperation.Kind.BLACKLIST_REMOVE}
