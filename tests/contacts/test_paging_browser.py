"""The group page's member table in Chromium: paged by number, forward and back."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import Group, Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _numbers(page) -> list[str]:
    cells = page.get_by_test_id("member-table").locator("tbody tr td .font-monospace")
    return cells.all_inner_texts()


def test_staff_page_forward_and_back_and_see_the_same_rows(
    logged_in_page, live_server, screenshot
):
    group = Group.objects.create(name="Paged")
    numbers = [f"4850012{i:04d}" for i in range(60)]  # 25 + 25 + 10
    Member.objects.bulk_create([Member(group=group, msisdn=n) for n in numbers])
    Group.objects.filter(pk=group.pk).update(member_count=len(numbers))
    page = logged_in_page
    page.goto(f"{live_server.url}{reverse('contacts:group_detail', args=[group.pk])}")
    paging = page.get_by_test_id("member-paging")

    seen = [_numbers(page)]
    for _ in range(2):
        paging.get_by_role("link", name="Next").click()
        page.wait_for_url("**after=*")
        seen.append(_numbers(page))
    assert seen == [numbers[:25], numbers[25:50], numbers[50:]]
    expect(paging.get_by_role("link", name="Next")).to_have_count(0)  # no link at the end
    screenshot("contacts-members-last-page")

    back = [seen[-1]]
    for _ in range(2):
        paging.get_by_role("link", name="Previous").click()
        page.wait_for_url("**before=*")
        back.append(_numbers(page))
    assert back == seen[::-1]
    expect(paging.get_by_role("link", name="Previous")).to_have_count(0)

    # Searching keeps paging by number inside the matches.
    page.get_by_label("Number or name").fill("500 120 01")
    page.get_by_role("button", name="Filter").click()
    assert _numbers(page) == [n for n in numbers if n.startswith("4850012001")]
    expect(page.get_by_test_id("member-paging")).to_have_count(0)  # 10 matches, one page
