"""Sessions end after SESSION_IDLE_MINUTES without a request, and on browser close if set."""

from datetime import timedelta
from importlib import reload

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories.users import PASSWORD


def log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_a_session_ends_after_an_hour_without_a_request(client, marketing_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, marketing_user)
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert client.get("/").status_code == 200
    # Working keeps it alive: an hour after the last request, not after logging in.
    with time_machine.travel(start + timedelta(minutes=118), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=179), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_idle_time_comes_from_the_setting(client, marketing_user, monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    import justsend_panel.settings as panel_settings

    try:
        assert reload(panel_settings).SESSION_COOKIE_AGE == 300
    finally:
        monkeypatch.delenv("SESSION_IDLE_MINUTES")
        reload(panel_settings)
    assert django_settings.SESSION_COOKIE_AGE == 3600  # the default


@pytest.mark.django_db
def test_requests_within_a_minute_do_not_write_the_session(client, marketing_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, marketing_user)
        expiry = Session.objects.get().expire_date
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert client.get("/").status_code == 200
        assert Session.objects.get().expire_date == expiry
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.get("/").status_code == 200
        assert Session.objects.get().expire_date > expiry


@pytest.mark.django_db
def test_a_postback_never_touches_a_session(client, settings):
    settings.JUSTSEND_WEBHOOK_SECRET = "s3cret-for-test"
    response = client.post("/webhooks/justsend/s3cret-for-test/", data=b"[]",
                           content_type="application/json")
    assert response.status_code < 500
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser_when_configured(client, marketing_user, settings):
    log_in(client, marketing_user)
    assert client.cookies["sessionid"]["max-age"] == 3600
    client.logout()
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    log_in(client, marketing_user)
    assert client.cookies["sessionid"]["max-age"] == ""
    assert client.cookies["sessionid"]["expires"] == ""


def test_the_four_standard_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator",
                     "CommonPasswordValidator", "NumericPasswordValidator"}
