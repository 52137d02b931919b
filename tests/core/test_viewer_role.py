"""The Viewer role: reads campaigns, statistics, billing and contacts, changes nothing.

The walk POSTs to every URL pattern of the project as a logged-in Viewer, so a page added
later is covered without touching this test.
"""

import re
import uuid

import pytest
from django.contrib.auth.models import Group as Role
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from campaigns.models import Campaign
from contacts.models import BlacklistEntry, Group, Member
from justsend_panel.core.roles import MARKETING, VIEWER, roles_sync, user_is_read_only
from tests.factories.users import UserFactory

# The only unsafe requests a Viewer may make (view name -> why).
ALLOWED = {
    "logout": "logging out",
    "password_change": "changing their own password",
}


@pytest.fixture
def viewer(db):
    return UserFactory(username="watcher", role=VIEWER)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def objects(db, viewer):
    group = Group.objects.create(name="Customers", member_count=1)
    Member.objects.create(group=group, msisdn="48600100200")
    campaign = Campaign.objects.create(name="Spring sale", message="Hello", created_by=viewer)
    return {"campaigns": campaign.pk, "contacts/groups": group.pk}


def _sample(converter: str, url_so_far: str, pks: dict) -> str:
    if converter == "int":
        return str(next((pk for prefix, pk in pks.items() if url_so_far.startswith(f"/{prefix}/")), 1))
    return {"uuid": str(uuid.UUID(int=1))}.get(converter, "x")


def _walk(patterns, pks, prefix="/"):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            part, route = "", str(pattern)
            for piece in re.split(r"(<(?:\w+:)?\w+>)", route):
                match = re.fullmatch(r"<(?:(\w+):)?\w+>", piece)
                part += _sample(match.group(1) or "str", prefix + part, pks) if match else piece
        elif isinstance(pattern, RegexPattern):
            regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
            part = re.sub(
                r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)",
                lambda m: m.group(1).split("|")[0] if re.fullmatch(r"[\w|-]+", m.group(1)) else "1",
                regex,
            ).replace("\\", "")
        else:
            part = str(pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, pks, prefix + part)
        elif isinstance(entry, URLPattern):
            name = entry.name
            yield prefix + part, name


def all_urls(pks):
    # The view name as resolved (with its namespace), which is what the middleware checks.
    from django.urls import resolve

    urls = {}
    for url, _name in _walk(get_resolver().url_patterns, pks):
        match = resolve(url)
        urls[url] = match.view_name
    return sorted(urls.items())


@pytest.mark.django_db
def test_the_viewer_role_reads_and_holds_no_change_permission():
    viewer = Role.objects.get(name=VIEWER)
    codenames = set(viewer.permissions.values_list("content_type__app_label", "codename"))
    assert ("core", "use_panel") in codenames
    for read in ("view_campaign", "view_member", "view_reply"):
        assert any(codename == read for _, codename in codenames), read
    assert not [c for _, c in codenames if not c.startswith("view_") and c != "use_panel"]
    assert ("core", "manage_connection") not in codenames
    assert not [label for label, _ in codenames if label == "auth"]
    viewer.permissions.clear()
    roles_sync()
    assert viewer.permissions.filter(codename="view_campaign").exists()


@pytest.mark.django_db
def test_only_a_viewer_is_read_only():
    assert user_is_read_only(UserFactory(username="v", role=VIEWER))
    assert not user_is_read_only(UserFactory(username="m", role=MARKETING))
    assert not user_is_read_only(UserFactory(username="s", role=VIEWER, is_superuser=True))


@pytest.mark.django_db
def test_a_viewer_posting_anywhere_is_refused_but_logging_out(viewer_client, viewer, objects):
    refused, allowed = [], []
    for url, view_name in all_urls(objects):
        viewer_client.force_login(viewer)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(viewer_client, method)(url, {})
            if view_name in ALLOWED:
                assert response.status_code != 403, f"{method} {url} answered 403"
                allowed.append(view_name)
                break
            assert response.status_code == 403, (
                f"{method.upper()} {url} ({view_name}) answered {response.status_code}"
            )
        else:
            refused.append(url)
    assert "logout" in allowed
    # The panel's pages, Django admin's and the public ones (login, webhooks) alike.
    for expected in ("/accounts/login/", "/admin/", "/campaigns/new/", "/billing/threshold/",
                     f"/contacts/groups/{objects['contacts/groups']}/delete/"):
        assert expected in refused, expected
    assert any(url.startswith("/webhooks/") for url in refused)
    assert len(refused) > 40
    # Nothing was changed meanwhile.
    assert Campaign.objects.count() == 1 and Group.objects.count() == 1
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_a_viewer_reads_campaigns_statistics_billing_and_contacts(viewer_client, objects):
    campaign, group = objects["campaigns"], objects["contacts/groups"]
    for url in (
        "/", "/campaigns/", f"/campaigns/{campaign}/", f"/campaigns/{campaign}/progress/",
        "/campaigns/statistics/", "/campaigns/statistics/export.csv",
        "/campaigns/single-messages/", "/billing/", "/billing/transactions/",
        "/billing/uploads/", "/contacts/", f"/contacts/groups/{group}/", "/contacts/blacklist/",
        "/contacts/lookup/", "/contacts/imports/", "/deliveries/replies/",
    ):
        response = viewer_client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"


@pytest.mark.django_db
def test_a_viewer_gets_403_on_administrators_and_writing_pages(viewer_client, objects):
    for url in ("/admin/", "/connection/", "/billing/mail2sms/", "/campaigns/new/",
                "/contacts/groups/new/", f"/contacts/groups/{objects['contacts/groups']}/edit/"):
        assert viewer_client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_a_viewer_sees_no_button_that_would_change_something(viewer_client, objects):
    campaign, group = objects["campaigns"], objects["contacts/groups"]
    for url in ("/", "/campaigns/", f"/campaigns/{campaign}/", "/campaigns/single-messages/",
                "/billing/", "/contacts/", f"/contacts/groups/{group}/", "/contacts/blacklist/",
                "/contacts/imports/"):
        page = viewer_client.get(url).content.decode()
        forms = re.findall(r'<form[^>]*method="post"[^>]*>', page)
        # Only the user menu's log-out form posts.
        assert forms == ['<form method="post" action="/accounts/logout/">'], (
            url, forms,
        )
        assert "hx-post" not in page, url
        for writing in ("/new/", "/edit/", "/delete/", "/import"):
            hrefs = [h for h in re.findall(r'href="([^"]+)"', page) if writing in h]
            assert not hrefs or writing == "/import" and all(
                h.rstrip("/").endswith("/imports") for h in hrefs
            ), (url, hrefs)


@pytest.mark.django_db
def test_marketing_still_posts(marketing_client):
    response = marketing_client.post("/contacts/blacklist/add/", {"numbers": "600100300"})
    assert response.status_code == 302
    assert BlacklistEntry.objects.exists()
