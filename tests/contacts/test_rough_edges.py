"""Issue 15 point 17 (and the menu entry of point 15): "Any …" in every filter, the menu
on the blacklist's pages, tables that fit, row actions kept in view on a phone."""

import re

import pytest

from contacts.models import BlacklistEntry, Group, Member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url, labels", [
    ("/contacts/", ["Any type", "Any sync state"]),
    ("/contacts/blacklist/", ["Any reason", "Any country", "Any sync state"]),
    ("/contacts/imports/", ["Any group", "Any state"]),
])
def test_filters_offer_any_instead_of_dashes(marketing_client, url, labels):
    html = marketing_client.get(url).content.decode()
    assert "---------" not in html
    for label in labels:
        assert re.search(f'<option value=""( selected)?>{label}</option>', html), label


def _active_menu(html: str) -> list[str]:
    return re.findall(r'class="nav-link[^"]*active[^"]*"[^>]*>([^<]+)<', html)


@pytest.mark.parametrize("url, active", [
    ("/contacts/blacklist/", ["Blacklist"]),
    ("/contacts/blacklist/add/", ["Blacklist"]),
    ("/contacts/", ["Contacts"]),
    ("/contacts/imports/", ["More"]),
])
def test_the_menu_highlights_the_section(marketing_client, url, active):
    assert _active_menu(marketing_client.get(url).content.decode()) == active


def test_the_imports_list_is_in_the_menu(marketing_client):
    html = marketing_client.get("/").content.decode()
    assert '<a class="dropdown-item" href="/contacts/imports/">Imports</a>' in html


def test_the_blacklist_table_has_the_page_width_below_1400_px(marketing_client):
    BlacklistEntry.objects.create(msisdn="48500100200", note="A long note " * 5)
    html = marketing_client.get("/contacts/blacklist/").content.decode()
    assert '<div class="col-xxl-8">' in html and "col-lg-8" not in html
    assert html.count('class="row-actions text-nowrap"') == 1  # the Look up link


def test_row_actions_are_marked_to_stay_in_view(marketing_client):
    group = Group.objects.create(name="Customers")
    Member.objects.create(group=group, msisdn="48500100300", name="Ann")
    assert 'class="row-actions text-nowrap"' in marketing_client.get("/contacts/").content.decode()
    detail = marketing_client.get(f"/contacts/groups/{group.pk}/").content.decode()
    assert 'class="row-actions text-nowrap"' in detail


def test_the_imports_table_scrolls_inside_its_card(marketing_client):
    html = marketing_client.get("/contacts/imports/").content.decode()
    assert '<div class="card-body table-responsive">' in html
