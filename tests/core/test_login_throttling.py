"""Failed logins are throttled per username and per client address (django-axes)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.client_ip import client_ip_get
from tests.factories.users import PASSWORD, administrator_create, marketing_user_create

LOCKED_MESSAGE = "Too many failed log-in attempts"


@pytest.fixture
def alice(db):
    return marketing_user_create(username="alice")


@pytest.fixture
def bob(db):
    return marketing_user_create(username="bob")


def login(client, username, password, ip="10.0.0.1", path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, **kwargs):
    return [login(client, username, "wrong password", **kwargs) for _ in range(times)]


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_five_wrong_passwords_then_the_right_one_is_refused_with_the_message(client, alice):
    responses = fail(client, "alice", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert LOCKED_MESSAGE not in responses[3].content.decode()

    locked = login(client, "alice", PASSWORD)
    page = locked.content.decode()
    assert locked.status_code == 429
    assert LOCKED_MESSAGE in page and "15 minutes" in page
    assert 'data-testid="locked-out"' in page and 'name="password"' in page  # the login page
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.django_db
def test_after_the_cool_off_the_right_password_works(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "alice", 5)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert login(client, "alice", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert logged_in(login(client, "alice", PASSWORD))


@pytest.mark.django_db
def test_the_limit_and_cool_off_come_from_the_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "alice", 2)
        page = login(client, "alice", PASSWORD).content.decode()
        assert LOCKED_MESSAGE in page and "3 minutes" in page
    with time_machine.travel(start + timedelta(minutes=3, seconds=1), tick=False):
        assert logged_in(login(client, "alice", PASSWORD))


@pytest.mark.django_db
def test_username_and_address_are_counted_apart(client, alice, bob):
    fail(client, "alice", 5, ip="10.0.0.1")
    # Another user from another address is unaffected.
    assert logged_in(login(client, "bob", PASSWORD, ip="10.0.0.2"))
    client.logout()
    # The locked username from another address, and another user from the locked address,
    # are both refused.
    assert login(client, "alice", PASSWORD, ip="10.0.0.2").status_code == 429
    assert login(client, "bob", PASSWORD, ip="10.0.0.1").status_code == 429


@pytest.mark.django_db
def test_a_successful_login_clears_the_failures(client, alice):
    fail(client, "alice", 4)
    assert logged_in(login(client, "alice", PASSWORD))
    client.logout()
    fail(client, "alice", 4)
    assert logged_in(login(client, "alice", PASSWORD))


@pytest.mark.django_db
def test_django_admin_is_logged_into_through_the_throttled_login(client):
    """The panel's admin site sends anyone not logged in to the panel's login form (its own
    form is never served), and axes' backend refuses a locked-out user to every login."""
    administrator_create(username="boss")
    response = login(client, "boss", PASSWORD, path="/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    fail(client, "boss", 5)
    locked = login(client, "boss", PASSWORD, path="/accounts/login/?next=/admin/")
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not logged in


@pytest.mark.django_db
def test_without_a_configured_header_forwarded_addresses_are_ignored(client, alice, bob):
    for n in range(5):
        login(client, f"nobody{n}", "wrong password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # Same connecting address: locked, whatever the header claims.
    response = login(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


@pytest.mark.django_db
def test_with_a_configured_header_each_client_is_counted_apart(client, alice, bob, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.CLIENT_IP_PROXY_COUNT = 1
    for n in range(5):
        login(client, f"nobody{n}", "wrong password", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # The proxy's address is shared; the client behind it is another one.
    assert logged_in(login(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8"))
    client.logout()
    # The locked client cannot get round it by putting an address of its choosing first.
    response = login(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("header", "count", "meta", "expected"),
    [
        ("", 1, {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "10.0.0.9"),
        ("HTTP_X_FORWARDED_FOR", 1, {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "198.51.100.1"),
        ("HTTP_X_FORWARDED_FOR", 1, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1"},
         "198.51.100.1"),
        ("HTTP_X_FORWARDED_FOR", 2, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1, 10.1.1.1"},
         "198.51.100.1"),
        ("HTTP_X_FORWARDED_FOR", 2, {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "10.0.0.9"),
        ("HTTP_X_FORWARDED_FOR", 1, {}, "10.0.0.9"),
        ("HTTP_X_FORWARDED_FOR", 1, {"HTTP_X_FORWARDED_FOR": "not-an-ip"}, "10.0.0.9"),
        ("HTTP_X_REAL_IP", 1, {"HTTP_X_REAL_IP": "2001:db8::1",
                               "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "2001:db8::1"),
    ],
)
def test_client_address(settings, header, count, meta, expected):
    settings.CLIENT_IP_HEADER = header
    settings.CLIENT_IP_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", **meta)
    assert client_ip_get(request) == expected


# --- The activity log ------------------------------------------------------------------


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


@pytest.mark.django_db
def test_a_login_writes_one_entry_with_the_user_and_address(client, alice):
    assert logged_in(login(client, "alice", PASSWORD, ip="192.0.2.10"))
    [entry] = entries(Action.LOGIN)
    assert entry.actor == alice and entry.object_id == str(alice.pk)
    assert entry.ip == "192.0.2.10"
    assert not entries(Action.LOGIN_FAILED) and not entries(Action.LOCKED_OUT)


@pytest.mark.django_db
def test_a_failed_login_writes_one_entry_with_the_username_and_address_not_the_password(
    client, alice
):
    login(client, "alice", "hunter2-secret", ip="192.0.2.11")
    [entry] = entries(Action.LOGIN_FAILED)
    assert entry.actor is None
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "auth.user", str(alice.pk), "alice",
    )
    assert entry.ip == "192.0.2.11"
    assert entry.summary_params == {"username": "alice"}
    stored = " ".join(str(value) for value in AuditEntry.objects.values_list().get())
    assert "hunter2" not in stored
    assert not entries(Action.LOGIN) and not entries(Action.LOCKED_OUT)


@pytest.mark.django_db
def test_a_failed_login_of_an_unknown_username_is_recorded_too(client):
    login(client, "mallory", "guess")
    [entry] = entries(Action.LOGIN_FAILED)
    assert (entry.object_id, entry.object_label) == ("", "mallory")


@pytest.mark.django_db
def test_a_lockout_writes_one_entry(client, alice):
    fail(client, "alice", 5, ip="192.0.2.12")
    [entry] = entries(Action.LOCKED_OUT)
    assert entry.object_label == "alice" and entry.ip == "192.0.2.12"
    assert entry.summary_params == {"username": "alice", "failures": 5}
    assert len(entries(Action.LOGIN_FAILED)) == 5
    # Attempts refused while locked out are failed logins, not new lockouts.
    login(client, "alice", PASSWORD, ip="192.0.2.12")
    assert len(entries(Action.LOCKED_OUT)) == 1
    assert len(entries(Action.LOGIN_FAILED)) == 6
