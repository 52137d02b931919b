"""Two administrators deactivating (or demoting) each other at once: one is refused, so the
panel never ends up without an active administrator. Played on PostgreSQL with two real
connections; SQLite runs one writing transaction at a time, so there is no race to play."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.users import services
from justsend_panel.core.users.roles import Role
from tests.contacts.services.test_group_hold import _in_thread, _waiting_for_a_lock
from tests.factories.users import UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race needs two concurrent writers; SQLite runs one writing transaction"
        " at a time (make test on PostgreSQL, as .ci/run does first, plays it)",
    ),
    pytest.mark.django_db(transaction=True),
]
User = get_user_model()


def _administrator(username):
    return UserFactory(username=username, role=Role.ADMINISTRATOR, is_staff=True)


@pytest.mark.parametrize(
    "act",
    [
        lambda actor, user: services.user_deactivate(actor=actor, user=user),
        lambda actor, user: services.user_role_set(actor=actor, user=user, role=Role.MARKETING),
    ],
    ids=["deactivate", "demote"],
)
def test_two_administrators_at_once_leave_one(act):
    anna, piotr = _administrator("anna"), _administrator("piotr")
    acted, go_on = threading.Event(), threading.Event()

    def anna_acts_and_waits():
        with transaction.atomic():
            act(User.objects.get(pk=anna.pk), User.objects.get(pk=piotr.pk))
            acted.set()
            assert go_on.wait(30)

    join_anna = _in_thread(anna_acts_and_waits)
    assert acted.wait(30)
    # Piotr does the same to Anna before Anna's change commits.
    join_piotr = _in_thread(
        lambda: act(User.objects.get(pk=piotr.pk), User.objects.get(pk=anna.pk))
    )
    assert _waiting_for_a_lock(), "the second change did not wait for the first"
    go_on.set()
    join_anna()

    with pytest.raises(ApplicationError, match="last active administrator"):
        join_piotr()
    anna.refresh_from_db()
    assert anna.is_active and anna.groups.filter(name=Role.ADMINISTRATOR).exists()
