"""Locked out by django-axes after failed logins: shown on the Users page, unlocked there."""

import pytest
from django.test import Client
from django.urls import reverse

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.users.selectors import users_locked_out
from tests.core.users.login import logs_in
from tests.factories.users import PASSWORD, marketing_user_create

pytestmark = pytest.mark.django_db


def _fail_logins(username: str, times: int, address: str = "192.0.2.10") -> None:
    for _ in range(times):
        Client(REMOTE_ADDR=address).post(
            reverse("login"), {"username": username, "password": "wrong"}
        )


def test_a_user_at_the_failure_limit_shows_as_locked_out(admin_client_panel, settings):
    marketing_user_create(username="anna")
    marketing_user_create(username="piotr")
    # Per username, the failures from different addresses add up.
    _fail_logins("anna", settings.AXES_FAILURE_LIMIT - 2, address="192.0.2.10")
    _fail_logins("anna", 2, address="192.0.2.11")
    _fail_logins("piotr", settings.AXES_FAILURE_LIMIT - 1)

    assert users_locked_out(["anna", "piotr"]) == {"anna"}
    page = admin_client_panel.get(reverse("users:user_list")).content.decode()
    assert page.count("locked out") == 1
    assert not logs_in("anna", PASSWORD)


def test_the_cool_off_ends_the_lock(settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    marketing_user_create(username="anna")
    _fail_logins("anna", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME
                                 - timedelta(seconds=1))
    assert users_locked_out(["anna"]) == set()


def test_an_administrator_unlocks_from_the_users_page(admin_client_panel, administrator, settings):
    anna = marketing_user_create(username="anna")
    _fail_logins("anna", settings.AXES_FAILURE_LIMIT)
    detail = admin_client_panel.get(reverse("users:user_detail", kwargs={"pk": anna.pk}))
    assert reverse("users:user_unlock", kwargs={"pk": anna.pk}) in detail.content.decode()

    response = admin_client_panel.post(reverse("users:user_unlock", kwargs={"pk": anna.pk}))

    assert response.status_code == 302
    assert users_locked_out(["anna"]) == set()
    entries = list(AuditEntry.objects.filter(action=Action.USER_UNLOCKED))
    assert len(entries) == 1
    assert (entries[0].actor, entries[0].object_id) == (administrator, str(anna.pk))
    assert logs_in("anna", PASSWORD)
