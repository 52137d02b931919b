"""Password reset by e-mail (public, CSRF on) and password change (logged in), with
Django's views and the panel's templates."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.core.users.login import logs_in
from tests.factories.users import PASSWORD, marketing_user_create

pytestmark = pytest.mark.django_db
NEW = "kestrel-harbour-lantern-91"


def _csrf_post(client: Client, url: str, data: dict):
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    return client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)})


def test_the_login_page_links_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


@pytest.mark.parametrize("invited", [False, True])
def test_a_reset_by_email_sets_a_new_password(invited):
    user = marketing_user_create(username="anna", email="Anna@Example.com")
    if invited:  # made with "send a link": no password yet, the public form still serves
        user.set_unusable_password()
        user.save()
    browser = Client(enforce_csrf_checks=True)

    response = _csrf_post(browser, reverse("password_reset"), {"email": "anna@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your new password for Justsend Panel"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = browser.get(link, follow=True).redirect_chain[-1][0]
    done = _csrf_post(browser, set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("password_reset_complete")
    assert logs_in("anna", NEW)
    # Used once: the link now says so.
    again = browser.get(link, follow=True)
    assert 'data-testid="invalid-link"' in again.content.decode()


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_mail():
    marketing_user_create(username="gone", email="gone@example.com", is_active=False)
    for email in ("nobody@example.com", "gone@example.com"):
        response = Client().post(reverse("password_reset"), {"email": email})
        assert response["Location"] == reverse("password_reset_done")
    assert not mail.outbox


def test_the_reset_form_refuses_a_post_without_csrf():
    response = Client(enforce_csrf_checks=True).post(
        reverse("password_reset"), {"email": "a@example.com"}
    )
    assert response.status_code == 403


def test_password_change_for_the_logged_in_user(marketing_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(marketing_user)
    response = _csrf_post(
        browser, reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == reverse("password_change_done")
    assert browser.get(reverse("password_change_done")).status_code == 200
    marketing_user.refresh_from_db()
    assert marketing_user.check_password(NEW)


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
