"""A logged-in user without a role gets one page saying so and whom to ask, everywhere."""

import re

import pytest

from tests.core.test_url_permissions import _is_public, all_urls
from tests.factories.users import UserFactory, administrator_create, marketing_user_create


@pytest.fixture
def nobody_client(client, db):
    client.force_login(UserFactory(username="newcomer"))
    return client


@pytest.fixture
def administrators(db):
    return [
        administrator_create(username="boss", first_name="Anna", last_name="Nowak",
                             email="anna@example.com"),
        UserFactory(username="root", is_superuser=True, email="root@example.com"),
    ]


OWN_ACCOUNT = "/accounts/password-change/"


@pytest.mark.django_db
def test_every_panel_page_is_the_no_role_page(nobody_client, administrators):
    checked = 0
    for url, _entry in all_urls():
        if _is_public(url):
            continue
        if url.startswith(OWN_ACCOUNT):
            # Their own password stays theirs to change, role or not.
            assert nobody_client.get(url).status_code == 200, url
            continue
        response = nobody_client.get(url)
        page = response.content.decode()
        assert response.status_code == 403, f"{url} answered {response.status_code}"
        assert 'data-testid="no-role-page"' in page, url
        checked += 1
    assert checked > 30


@pytest.mark.django_db
def test_the_page_names_the_active_administrators_and_offers_only_logging_out(
    nobody_client, administrators, client
):
    UserFactory(username="former", is_superuser=True, is_active=False, email="gone@example.com")
    marketing_user_create(username="marketer", email="marketer@example.com")
    response = nobody_client.get("/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "no role yet" in page
    assert "Anna Nowak" in page and "mailto:anna@example.com" in page
    assert "root" in page and "mailto:root@example.com" in page
    assert "gone@example.com" not in page and "marketer@example.com" not in page
    # No link that leads to another 403: no navigation, no banner, only e-mail links.
    hrefs = re.findall(r'<a [^>]*href="([^"]+)"', page)
    assert hrefs and all(href.startswith("mailto:") for href in hrefs), hrefs
    forms = re.findall(r'<form[^>]*action="([^"]+)"', page)
    assert forms == ["/accounts/logout/"]
    assert nobody_client.post("/accounts/logout/").status_code == 302
    assert nobody_client.get("/").status_code == 302  # logged out: the login page


@pytest.mark.django_db
def test_the_page_says_how_to_get_an_administrator_when_there_is_none(nobody_client):
    page = nobody_client.get("/").content.decode()
    assert "createsuperuser" in page


@pytest.mark.django_db
def test_a_user_with_a_role_still_gets_the_usual_403(marketing_client):
    page = marketing_client.get("/connection/").content.decode()
    assert 'data-status="403"' in page and "no-role-page" not in page
