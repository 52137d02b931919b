"""The contacts pages through the test client: forms, messages, permissions, query counts."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import BlacklistEntry, Group, Member, SyncOperation, SyncState
from contacts.services.groups import group_create, group_delete
from contacts.services.members import member_add
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return group_create(name="Newsletter")


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_anonymous_is_sent_to_login_and_a_user_without_role_gets_403(client, group):
    for url in (reverse("contacts:group_detail", args=[group.pk]), reverse("contacts:lookup")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("contacts:group_create"), {"name": "x", "group_type": "LOCAL"})
    assert response.status_code == 302 and not Group.objects.filter(name="x").exists()
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("contacts:group_detail", args=[group.pk])).status_code == 403
    assert client.post(reverse("contacts:group_create"), {"name": "x", "group_type": "LOCAL"}).status_code == 403


def test_marketing_creates_edits_and_deletes_a_group(marketing_client):
    response = marketing_client.post(reverse("contacts:group_create"), {"name": "Spring", "group_type": "LOCAL"})
    group = Group.objects.get(name="Spring")
    assert response["Location"] == reverse("contacts:group_detail", args=[group.pk])

    response = marketing_client.post(reverse("contacts:group_update", args=[group.pk]),
                                     {"name": "Spring 2", "group_type": "INTERNATIONAL", "country": ""})
    assert "An international group needs a country." in _page(response)

    marketing_client.post(reverse("contacts:group_update", args=[group.pk]),
                          {"name": "Spring 2", "group_type": "INTERNATIONAL", "country": "GERMANY"})
    group.refresh_from_db()
    assert (group.name, group.country) == ("Spring 2", "GERMANY")

    assert "cannot be undone" in _page(marketing_client.get(reverse("contacts:group_delete", args=[group.pk])))
    marketing_client.post(reverse("contacts:group_delete", args=[group.pk]))
    assert not Group.objects.exists()
    assert list(SyncOperation.objects.values_list("kind", flat=True)) == ["group_delete"]


def test_group_list_filters_and_shows_sync_state(
    marketing_client, banner_cached, django_assert_max_num_queries
):
    for i in range(30):
        Group.objects.create(name=f"Group {i:02d}", sync_state=SyncState.ERROR if i == 3 else SyncState.SYNCED,
                             sync_error="Boom from Justsend" if i == 3 else "")
    with django_assert_max_num_queries(8):
        page = _page(marketing_client.get(reverse("contacts:group_list")))
    assert "Group 00" in page and "Group 24" in page and "Group 25" not in page  # paginated
    assert 'class="badge text-bg-success" title="">Synced<' in page  # green, as on its page
    page = _page(marketing_client.get(reverse("contacts:group_list"), {"sync_state": "error"}))
    assert "Group 03" in page and "Boom from Justsend" in page and "Group 04" not in page
    assert 'class="badge text-bg-danger"' in page and "small text-danger" in page


def test_group_detail_pages_without_counting_and_marks_blacklisted_and_landlines(
    marketing_client, group, banner_cached, django_assert_max_num_queries
):
    Member.objects.bulk_create([Member(group=group, msisdn=f"4850012{i:04d}") for i in range(60)])
    Member.objects.create(group=group, msisdn="48221234567", name="Office")
    Group.objects.filter(pk=group.pk).update(member_count=61)
    BlacklistEntry.objects.create(msisdn="48500120001")
    url = reverse("contacts:group_detail", args=[group.pk])

    # 9: the page's own 8 and the group's last activity entries (issue 14, one indexed query).
    with django_assert_max_num_queries(9) as queries:
        page = _page(marketing_client.get(url))
    member_sql = [q["sql"] for q in queries.captured_queries if '"contacts_member"' in q["sql"]]
    assert len(member_sql) == 1  # one query for the page, blacklist flags included
    assert "COUNT(" not in member_sql[0].upper()  # the member counter pages the table
    assert "48500120001" in page and "blacklisted" in page
    assert "48221234567" in page and "no SMS (landline)" in page
    assert "48221234567" in page and "48500120023" in page  # the 25 lowest numbers
    assert "48500120024" not in page
    assert "after=48500120023" in page and "last=1" in page and "before=" not in page

    with django_assert_max_num_queries(9):
        page = _page(marketing_client.get(url, {"q": "Office"}))
    assert "48221234567" in page and "48500120001" not in page


def _numbers(response) -> list[str]:
    return [member.msisdn for member in response.context["table"].data]


def _follow(client, url, page: str, rel: str):
    """The response to the page's own "next"/"prev" link."""
    href = re.search(rf'href="(\?[^"]*)" rel="{rel}"', page).group(1)
    return client.get(url + html.unescape(href))


@pytest.mark.parametrize("sort", ["msisdn", "-msisdn"])
def test_group_detail_pages_by_number_forward_and_back_to_the_same_rows(
    marketing_client, group, sort, django_assert_max_num_queries
):
    numbers = [f"4850012{i:04d}" for i in range(0, 140, 2)]  # 70 members: 25 + 25 + 20
    Member.objects.bulk_create([Member(group=group, msisdn=n) for n in numbers])
    Member.objects.create(group=Group.objects.create(name="Other"), msisdn="48500120001")
    Group.objects.filter(pk=group.pk).update(member_count=len(numbers))
    url = reverse("contacts:group_detail", args=[group.pk])
    ordered = sorted(numbers, reverse=sort.startswith("-"))

    first = marketing_client.get(url, {"sort": sort})
    pages = [first]
    for _ in range(2):
        with django_assert_max_num_queries(9) as queries:  # 9: with the activity entries
            pages.append(_follow(marketing_client, url, _page(pages[-1]), "next"))
        member_sql = [q["sql"] for q in queries.captured_queries if '"contacts_member"' in q["sql"]]
        assert len(member_sql) == 1 and "OFFSET" not in member_sql[0].upper()
    assert [_numbers(p) for p in pages] == [ordered[:25], ordered[25:50], ordered[50:]]
    assert 'rel="next"' not in _page(pages[-1])  # the end, found without counting

    back = [pages[-1]]
    for _ in range(2):
        back.append(_follow(marketing_client, url, _page(back[-1]), "prev"))
    assert [_numbers(p) for p in back] == [_numbers(p) for p in reversed(pages)]
    assert 'rel="prev"' not in _page(back[-1])  # back at the first page

    last = marketing_client.get(url, {"sort": sort, "last": "1"})
    assert _numbers(last) == ordered[-25:]  # the last 25, read backwards from the end
    assert 'rel="next"' not in _page(last) and 'rel="prev"' in _page(last)
    # A search pages the same way, and a hand-edited cursor falls back to the first page.
    searched = marketing_client.get(url, {"q": "+48 500 120 1", "sort": sort, "after": "x"})
    assert _numbers(searched) == [n for n in ordered if n.startswith("485001201")][:25]


def test_add_member_names_a_bad_number_and_warns_about_a_landline(marketing_client, group):
    url = reverse("contacts:member_create", args=[group.pk])
    page = _page(marketing_client.post(url, {"msisdn": "123"}))
    assert "“123” is not a valid phone number." in page
    assert "read as a number of region PL" in page  # the form says how numbers are read

    response = marketing_client.post(url, {"msisdn": "22 123 45 67", "attributes": "city: Warsaw"}, follow=True)
    assert any("cannot receive SMS" in m for m in _messages(response))
    member = Member.objects.get()
    assert (member.msisdn, member.attributes) == ("48221234567", {"city": "Warsaw"})

    page = _page(marketing_client.post(url, {"msisdn": "+48 22 123 45 67"}))
    assert "48221234567 is already in this group." in page
    page = _page(marketing_client.post(url, {"msisdn": "500100100", "attributes": "no colon"}))
    assert "write an attribute as" in page


def test_edit_member(marketing_client, group):
    member = member_add(group=group, msisdn="500100100", attributes={"city": "Kraków"})
    url = reverse("contacts:member_update", args=[group.pk, member.pk])
    assert "city: Kraków" in _page(marketing_client.get(url))
    marketing_client.post(url, {"msisdn": "500100101", "name": "Ola", "attributes": "city: Gdynia"})
    member.refresh_from_db()
    assert (member.msisdn, member.name, member.attributes) == ("48500100101", "Ola", {"city": "Gdynia"})


def test_delete_one_and_delete_selected(marketing_client, group):
    members = [member_add(group=group, msisdn=f"50010010{i}") for i in range(4)]
    url = reverse("contacts:members_delete", args=[group.pk])
    # A row's own button wins over boxes ticked elsewhere.
    marketing_client.post(url, {"delete_one": members[0].pk, "selected": [members[1].pk]})
    assert set(Member.objects.values_list("pk", flat=True)) == {m.pk for m in members[1:]}
    response = marketing_client.post(url, {"selected": [members[1].pk, members[2].pk], "return_query": "page=1"})
    assert response["Location"].endswith("?page=1")
    assert list(Member.objects.values_list("pk", flat=True)) == [members[3].pk]
    response = marketing_client.post(url, {}, follow=True)
    assert "Tick at least one row first." in _messages(response)
    assert Group.objects.get(pk=group.pk).member_count == 1


def test_export_is_streamed_and_neutralised(marketing_client, group):
    member_add(group=group, msisdn="500100100", name="=1+2", attributes={"note": "+x"})
    response = marketing_client.get(reverse("contacts:group_export", args=[group.pk]))
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == ["\ufeffmsisdn,name,surname,address,note", "48500100100,'=1+2,,,'+x"]


def test_blacklist_add_lists_invalid_numbers_back(marketing_client, django_assert_max_num_queries):
    BlacklistEntry.objects.bulk_create([BlacklistEntry(msisdn=f"4860010{i:04d}") for i in range(120)])
    response = marketing_client.post(reverse("contacts:blacklist_add"),
                                     {"numbers": "500 100 100\nabc\n+48 12", "note": "complaint"})
    page = _page(response)
    assert "“abc” is not a phone number." in page and "“+48 12” is not a valid phone number." in page
    assert response.context["form"].initial["numbers"] == "abc\n+48 12"
    assert BlacklistEntry.objects.get(note="complaint").msisdn == "48500100100"

    with django_assert_max_num_queries(8):
        page = _page(marketing_client.get(reverse("contacts:blacklist")))
    assert "48500100100" in page and "marketer" in page
    page = _page(marketing_client.get(reverse("contacts:blacklist"), {"q": "500 100"}))
    assert "48500100100" in page and "48600100001" not in page


def test_blacklist_remove_selected_and_retry(marketing_client):
    entries = BlacklistEntry.objects.bulk_create(
        [BlacklistEntry(msisdn="48500100100"), BlacklistEntry(msisdn="48500100101", sync_state=SyncState.ERROR)]
    )
    marketing_client.post(reverse("contacts:blacklist_remove"), {"selected": [entries[0].pk]})
    assert list(BlacklistEntry.objects.values_list("msisdn", flat=True)) == ["48500100101"]
    marketing_client.post(reverse("contacts:blacklist_retry"))
    assert BlacklistEntry.objects.get().sync_state == SyncState.PENDING
    assert SyncOperation.objects.filter(kind="blacklist_add", payload__msisdns=["48500100101"]).exists()


def test_group_retry_button_requeues_failed_pushes(marketing_client, group):
    SyncOperation.objects.filter(group=group).update(state="failed", last_error="400 from Justsend")
    Group.objects.filter(pk=group.pk).update(sync_state=SyncState.ERROR, sync_error="400 from Justsend")
    page = _page(marketing_client.get(reverse("contacts:group_detail", args=[group.pk])))
    assert "400 from Justsend" in page and "Retry" in page
    marketing_client.post(reverse("contacts:group_retry", args=[group.pk]))
    assert SyncOperation.objects.get(group=group).state == "pending"
    assert Group.objects.get(pk=group.pk).sync_state == SyncState.PENDING


def test_sync_partial_polls_only_while_something_waits(marketing_client, group):
    url = reverse("contacts:group_sync", args=[group.pk])
    assert 'hx-trigger="every 2s"' in _page(marketing_client.get(url))
    SyncOperation.objects.update(state="done")
    assert "hx-trigger" not in _page(marketing_client.get(url))


def test_lookup_shows_local_and_justsend_groups_and_the_blacklist(marketing_client, panel_sandbox, group):
    member_add(group=group, msisdn="500100100", name="Jan")
    with panel_sandbox.client() as remote:
        remote_id = remote.post("groups", json={"name": "Only in Justsend", "groupType": "LOCAL", "country": "POLAND"}).json()["id"]
        remote.post("group-members/batch-add", params={"groupId": remote_id}, json=["48500100100"])
    BlacklistEntry.objects.create(msisdn="48500100100")

    page = _page(marketing_client.get(reverse("contacts:lookup"), {"q": "+48 500 100 100"}))
    assert "Newsletter" in page and "Only in Justsend" in page and "not in the panel yet" in page
    assert 'data-testid="lookup-blacklisted"' in page
    assert reverse("campaigns:number_history", args=["48500100100"]) in page

    page = _page(marketing_client.get(reverse("contacts:lookup"), {"q": "12"}))
    assert "“12” is not a valid phone number." in page

    panel_sandbox.set_faults(rate_500=1.0)
    page = _page(marketing_client.get(reverse("contacts:lookup"), {"q": "500100100"}))
    assert "Justsend could not be asked" in page and "Newsletter" in page


def test_lookup_says_a_justsend_group_deleted_here_is_on_its_way_out(
    marketing_client, panel_sandbox, group
):
    with panel_sandbox.client() as remote:
        remote_id = remote.post("groups", json={"name": "Old list", "groupType": "LOCAL", "country": "POLAND"}).json()["id"]
        remote.post("group-members/batch-add", params={"groupId": remote_id}, json=["48500100100"])
    Group.objects.filter(pk=group.pk).update(remote_id=remote_id)
    group_delete(group=Group.objects.get(pk=group.pk))  # its push to Justsend not run yet

    page = _page(marketing_client.get(reverse("contacts:lookup"), {"q": "500100100"}))
    assert 'data-testid="lookup-remote-deleting"' in page and "Old list" in page
    assert "not in the panel yet" not in page


def test_pull_button_records_one_pull_at_a_time(marketing_client):
    marketing_client.post(reverse("contacts:pull"))
    marketing_client.post(reverse("contacts:pull"))
    assert SyncOperation.objects.filter(kind="pull").count() == 1
    page = _page(marketing_client.get(reverse("contacts:pull_status")))
    assert "Pulling from Justsend" in page and 'hx-trigger="every 1s"' in page


def test_group_detail_number_header_shows_the_default_order_and_first_sorts_descending(
    marketing_client, group
):
    Member.objects.bulk_create([Member(group=group, msisdn=f"485001200{i:02d}") for i in range(3)])
    url = reverse("contacts:group_detail", args=[group.pk])
    page = _page(marketing_client.get(url))
    header = re.search(r'<th[^>]*class="[^"]*orderable[^"]*"[^>]*>\s*<a href="([^"]*)"', page)
    assert header and "sort=-msisdn" in html.unescape(header.group(1))
    assert _numbers(marketing_client.get(url, {"sort": "-msisdn"})) == [
        "48500120002", "48500120001", "48500120000"
    ]


def test_group_detail_sort_header_starts_the_new_order_on_its_first_page(marketing_client, group):
    """On a later page (?after=…), the header's link drops the cursor: sorting shows the
    first page of the new order, not the numbers below the old page's last one."""
    Member.objects.bulk_create([Member(group=group, msisdn=f"485001200{i:02d}") for i in range(3)])
    url = reverse("contacts:group_detail", args=[group.pk])
    page = _page(marketing_client.get(url, {"after": "48500120000", "q": "4850012"}))
    header = re.search(r'<th[^>]*class="[^"]*orderable[^"]*"[^>]*>\s*<a href="([^"]*)"', page)
    link = html.unescape(header.group(1))
    assert "sort=-msisdn" in link and "q=4850012" in link
    assert "after=" not in link
    assert _numbers(marketing_client.get(url + link)) == [
        "48500120002", "48500120001", "48500120000"
    ]


def test_sync_badge_is_the_same_on_the_group_page_and_in_the_tables(marketing_client, group):
    from contacts.tables import sync_badge

    Group.objects.filter(pk=group.pk).update(
        sync_state=SyncState.PENDING, sync_error="Justsend answered 503"
    )
    group.refresh_from_db()
    badge = str(sync_badge(group))
    assert 'class="badge text-bg-secondary"' in badge and "will retry: Justsend answered 503" in badge
    assert badge in _page(marketing_client.get(reverse("contacts:group_sync", args=[group.pk])))
    assert badge in _page(marketing_client.get(reverse("contacts:group_list")))

    Group.objects.filter(pk=group.pk).update(sync_state=SyncState.ERROR, sync_error="Bad name")
    group.refresh_from_db()
    assert 'text-bg-danger' in str(sync_badge(group)) and "small text-danger" in str(sync_badge(group))

    Group.objects.filter(pk=group.pk).update(
        sync_state=SyncState.SYNCED, sync_error="", synced_at=timezone.now()
    )
    group.refresh_from_db()
    synced = str(sync_badge(group))
    assert 'class="badge text-bg-success" title="Synced ' in synced and ">Synced<" in synced
    assert synced in _page(marketing_client.get(reverse("contacts:group_detail", args=[group.pk])))
