"""Walk every URL pattern: anonymous users go to login, Marketing gets 403 on admin pages.

The walk builds a concrete URL from each pattern, so a page added later is covered
without touching this test; the few public URLs are listed with the reason they are.
"""

import re
import uuid
from urllib.parse import urlparse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from justsend_panel.core.permissions import AdminOnlyMixin
from tests.factories.users import UserFactory

# Public on purpose (path prefix -> why).
PUBLIC = {
    "/accounts/login/": "the login page itself",
    "/accounts/logout/": "logging out needs no login (POST only)",
    "/accounts/password-reset/": "asking for a password reset link by e-mail",
    "/accounts/reset/": "the link from that e-mail, and its done page",
    "/admin/login/": "Django admin's own login form",
    "/admin/logout/": "Django admin's logout",
    "/healthz": "load balancer health check; reports ok/error only",
    "/favicon.ico": "a redirect to the static icon",
    "/static/": "static files",
    "/webhooks/": "Justsend postbacks, authenticated by the webhook secret",
    "/m/": "MMS media files as a provider downloads them, found by a 256-bit token",
}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")

SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x", "path": "x"}


def _route_to_url(route: str) -> str:
    return re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), route
    )


def _regex_to_url(regex: str) -> str:
    regex = regex.lstrip("^").rstrip("$").replace(r"\Z", "")

    def sample(match: re.Match) -> str:
        body = match.group(1)
        if re.fullmatch(r"[\w|-]+", body):
            return body.split("|")[0]  # an alternation of names: take the first
        return "1"

    url = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", sample, regex)
    return url.replace("\\", "")


def _walk(patterns, prefix=""):
    for entry in patterns:
        pattern = entry.pattern
        part = (
            _route_to_url(str(pattern))
            if isinstance(pattern, RoutePattern)
            else _regex_to_url(pattern.regex.pattern)
            if isinstance(pattern, RegexPattern)
            else str(pattern)
        )
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part, entry


def all_urls():
    return sorted({url: entry for url, entry in _walk(get_resolver().url_patterns)}.items())


def _is_public(url: str) -> bool:
    return any(url.startswith(prefix) for prefix in PUBLIC)


def _is_admin_only(url: str, entry: URLPattern) -> bool:
    view_class = getattr(entry.callback, "view_class", None)
    return url.startswith("/admin/") or (
        view_class is not None and issubclass(view_class, AdminOnlyMixin)
    )


def test_walk_finds_the_panel_pages():
    urls = [url for url, _ in all_urls()]
    for expected in ("/", "/campaigns/", "/contacts/", "/billing/", "/admin/"):
        assert expected in urls
    assert len(urls) > 30  # admin alone has dozens


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login_everywhere(client):
    checked = 0
    for url, _entry in all_urls():
        if _is_public(url):
            continue
        response = client.get(url)
        assert response.status_code == 302, f"{url} answered {response.status_code}"
        assert urlparse(response["Location"]).path in LOGIN_PATHS, (
            f"{url} redirects to {response['Location']}"
        )
        checked += 1
    assert checked > 30


@pytest.mark.django_db
def test_marketing_gets_403_on_admin_pages_and_in_on_panel_pages(marketing_client):
    admin_only = panel = 0
    for url, entry in all_urls():
        if _is_public(url):
            continue
        response = marketing_client.get(url)
        if _is_admin_only(url, entry):
            assert response.status_code == 403, f"{url} answered {response.status_code}"
            admin_only += 1
        else:
            assert response.status_code in (200, 302, 404, 405), (
                f"{url} answered {response.status_code}"
            )
            panel += 1
    assert admin_only > 20 and panel >= 6


@pytest.mark.django_db
def test_logged_in_user_without_a_role_gets_403_on_panel_pages(client):
    client.force_login(UserFactory(username="nobody"))
    for url in ("/", "/campaigns/", "/contacts/", "/contacts/blacklist/", "/billing/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_administrator_reaches_admin_and_panel(admin_client_panel):
    assert admin_client_panel.get("/admin/").status_code == 200
    assert admin_client_panel.get("/").status_code == 200


@pytest.mark.django_db
def test_marketing_user_is_refused_by_admin_login_form(marketing_client):
    response = marketing_client.get("/admin/login/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_csrf_is_enforced_on_login(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
