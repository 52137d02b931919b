"""The Users pages: administrators only, the one-step create with every role, the actions."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.users.roles import Role
from justsend_panel.core.users.selectors import user_role_get
from tests.core.users.login import logs_in
from tests.factories.users import PASSWORD, UserFactory, marketing_user_create

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "kestrel-harbour-lantern-91"

PAGES = [
    ("get", "users:user_list", False),
    ("get", "users:user_create", False),
    ("get", "users:user_detail", True),
    ("post", "users:user_role", True),
    ("post", "users:user_deactivate", True),
    ("post", "users:user_reactivate", True),
    ("post", "users:user_password_reset", True),
    ("post", "users:user_unlock", True),
]


@pytest.mark.parametrize("role", [Role.MARKETING, Role.VIEWER, None])
@pytest.mark.parametrize("method, name, with_pk", PAGES)
def test_only_administrators_reach_the_users_pages(client, method, name, with_pk, role):
    client.force_login(UserFactory(username="someone", role=role))
    target = marketing_user_create(username="target")
    url = reverse(name, kwargs={"pk": target.pk} if with_pk else {})
    response = getattr(client, method)(url, {"role": Role.ADMINISTRATOR})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active and user_role_get(target) == Role.MARKETING
    assert not AuditEntry.objects.filter(action__startswith="user.").exists()


def test_the_list_shows_name_email_role_last_login_and_state(admin_client_panel, settings):
    from datetime import datetime, timezone

    anna = marketing_user_create(
        username="anna", first_name="Anna", last_name="Nowak", email="anna@example.com",
        last_login=datetime(2026, 7, 1, 10, 30, tzinfo=timezone.utc),
    )
    UserFactory(username="gone", is_active=False, role=Role.VIEWER)
    UserFactory(username="roleless")

    response = admin_client_panel.get(reverse("users:user_list"))

    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*anna@example\.com.*?</tr>", page, re.S).group(0)
    assert "Nowak" in row and "Marketing" in row and "active" in row
    # Panel time zone (Europe/Warsaw, UTC+2 in July), English short format.
    assert "2026-07-01 12:30" in row
    assert "deactivated" in page
    assert "no role" in page
    assert reverse("users:user_detail", kwargs={"pk": anna.pk}) in row


def test_the_list_in_polish_uses_the_polish_date_format(admin_client_panel):
    from datetime import datetime, timezone

    marketing_user_create(
        username="anna", last_login=datetime(2026, 7, 1, 10, 30, tzinfo=timezone.utc)
    )
    response = admin_client_panel.get(reverse("users:user_list"), HTTP_ACCEPT_LANGUAGE="pl")
    # Django's Polish SHORT_DATETIME_FORMAT, in the panel's time zone.
    assert "01.07.2026 12:30" in response.content.decode()


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ({"q": "nowak"}, ["anna"], ["piotr"]),
        ({"role": Role.VIEWER}, ["piotr"], ["anna"]),
        ({"role": "none"}, ["roleless"], ["anna", "piotr"]),
        ({"is_active": "false"}, ["piotr"], ["anna"]),
    ],
)
def test_the_list_filters(admin_client_panel, query, shown, hidden):
    marketing_user_create(username="anna", last_name="Nowak")
    UserFactory(username="piotr", role=Role.VIEWER, is_active=False)
    UserFactory(username="roleless")
    page = admin_client_panel.get(reverse("users:user_list"), query).content.decode()
    for name in shown:
        assert f">{name}</a>" in page
    for name in hidden:
        assert f">{name}</a>" not in page


def _form(**overrides):
    return {
        "first_name": "Ewa", "last_name": "Zielińska", "email": "ewa@example.com",
        "username": "", "role": Role.MARKETING, "password_choice": "set",
        "password": STRONG,
    } | overrides


@pytest.mark.parametrize("role", list(Role))
def test_create_in_one_step_with_every_role(admin_client_panel, administrator, role):
    response = admin_client_panel.post(reverse("users:user_create"), _form(role=role))

    assert response.status_code == 302
    user = User.objects.get(email="ewa@example.com")
    assert user.username == "ewa@example.com"
    assert user_role_get(user) == role
    assert user.is_staff is (role == Role.ADMINISTRATOR)
    entry = AuditEntry.objects.get(action=Action.USER_CREATED)
    assert (entry.actor, entry.object_id) == (administrator, str(user.pk))
    # The new user logs in with the password given.
    assert logs_in("ewa@example.com", STRONG)


def test_create_with_a_link_mails_one_that_sets_the_password(admin_client_panel):
    response = admin_client_panel.post(
        reverse("users:user_create"),
        _form(username="ewa", password_choice="link", password=""),
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Your account on Justsend Panel" == mail.outbox[0].subject
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    visitor = Client(enforce_csrf_checks=False)
    form_page = visitor.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = visitor.post(set_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert logs_in("ewa", STRONG)


def test_create_shows_the_services_refusal_on_the_form(admin_client_panel, marketing_user):
    response = admin_client_panel.post(reverse("users:user_create"), _form(username="marketer"))
    assert response.status_code == 200
    assert "The username “marketer” is taken." in response.content.decode()


def test_create_asks_for_the_password_when_set_now_is_chosen(admin_client_panel):
    response = admin_client_panel.post(reverse("users:user_create"), _form(password=""))
    assert response.status_code == 200
    assert "Give the initial password, or choose to send a link." in response.content.decode()
    assert not User.objects.filter(email="ewa@example.com").exists()


def test_actions_from_the_users_page(admin_client_panel, marketing_user):
    detail = reverse("users:user_detail", kwargs={"pk": marketing_user.pk})
    assert admin_client_panel.get(detail).status_code == 200

    response = admin_client_panel.post(
        reverse("users:user_role", kwargs={"pk": marketing_user.pk}), {"role": Role.VIEWER}
    )
    assert response["Location"] == detail
    marketing_user.refresh_from_db()
    assert user_role_get(marketing_user) == Role.VIEWER

    admin_client_panel.post(reverse("users:user_deactivate", kwargs={"pk": marketing_user.pk}))
    marketing_user.refresh_from_db()
    assert not marketing_user.is_active

    admin_client_panel.post(reverse("users:user_reactivate", kwargs={"pk": marketing_user.pk}))
    marketing_user.refresh_from_db()
    assert marketing_user.is_active


def test_a_refused_action_is_a_message_not_an_error(admin_client_panel, administrator):
    response = admin_client_panel.post(
        reverse("users:user_deactivate", kwargs={"pk": administrator.pk}), follow=True
    )
    assert response.status_code == 200
    assert "You cannot deactivate your own account." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


def test_the_reset_link_from_the_users_page_works(admin_client_panel, marketing_user):
    marketing_user.email = "m@example.com"
    marketing_user.save()
    admin_client_panel.post(reverse("users:user_password_reset", kwargs={"pk": marketing_user.pk}))

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    visitor = Client()
    set_url = visitor.get(link, follow=True).redirect_chain[-1][0]
    visitor.post(set_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert logs_in("marketer", STRONG)


def test_the_menu_shows_users_to_administrators_only(administrator, marketing_user):
    users_link = f'href="{reverse("users:user_list")}"'
    pages = {}
    for user in (administrator, marketing_user):
        browser = Client()
        browser.force_login(user)
        pages[user.username] = browser.get("/").content.decode()
    assert users_link in pages["boss"]
    assert users_link not in pages["marketer"]
    # Both reach their own password change from the user menu.
    assert f'href="{reverse("password_change")}"' in pages["marketer"]


def test_a_deactivated_user_is_logged_out_of_open_sessions(admin_client_panel, marketing_user):
    from django.test import Client

    marketer = Client()
    marketer.force_login(marketing_user)
    assert marketer.get("/").status_code == 200

    admin_client_panel.post(reverse("users:user_deactivate", kwargs={"pk": marketing_user.pk}))

    response = marketer.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not logs_in("marketer", PASSWORD)
