"""The users services: each rule, its refusals, and exactly one audit entry per action."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.users import services
from justsend_panel.core.users.roles import Role
from justsend_panel.core.users.selectors import user_role_get
from tests.factories.users import UserFactory, administrator_create, marketing_user_create

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "kestrel-harbour-lantern-91"


@pytest.fixture
def rf_request(administrator):
    request = RequestFactory().post("/users/", REMOTE_ADDR="198.51.100.4")
    request.user = administrator
    return request


def _create(actor, request=None, **overrides):
    arguments = {
        "first_name": "Anna", "last_name": "Nowak", "email": "anna@example.com",
        "role": Role.MARKETING, "password": STRONG,
    } | overrides
    return services.user_create(actor=actor, request=request, **arguments)


def _only_entry(action) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


@pytest.mark.parametrize("role", list(Role))
def test_create_gives_exactly_one_role_and_staff_only_to_administrators(administrator, role):
    user = _create(administrator, role=role)

    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [role.value]
    assert user.is_staff is (role == Role.ADMINISTRATOR)
    assert not user.is_superuser
    assert user.check_password(STRONG)
    assert (user.first_name, user.last_name) == ("Anna", "Nowak")


def test_the_username_defaults_to_the_email_address(administrator):
    user = _create(administrator, email="Jan.Kowalski@Example.COM")
    assert user.username == "Jan.Kowalski@example.com"


def test_create_writes_one_entry_with_the_actor_and_the_new_user(administrator, rf_request):
    user = _create(administrator, request=rf_request, username="anna")

    entry = _only_entry(Action.USER_CREATED)
    assert entry.actor == administrator
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "auth.user", str(user.pk), "anna",
    )
    assert entry.ip == "198.51.100.4"
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"username": "marketer"}, "is taken"),
        ({"username": "MARKETER"}, "is taken"),
        ({"email": "Taken@Example.com"}, "e-mail address"),
        ({"password": "12345678"}, "too common"),
        ({"password": ""}, "Give an initial password or choose"),
        ({"send_password_link": True}, "not both"),
        ({"username": "has space!"}, "Enter a valid username"),
    ],
)
def test_create_refusals_save_nothing(administrator, marketing_user, overrides, message):
    marketing_user.email = "taken@example.com"
    marketing_user.save()
    before = User.objects.count()

    with pytest.raises(ApplicationError, match=message):
        _create(administrator, **overrides)

    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_create_with_a_link_sends_it_and_leaves_no_usable_password(administrator, rf_request):
    user = _create(administrator, request=rf_request, password="", send_password_link=True)

    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.com"]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert _only_entry(Action.USER_CREATED).object_id == str(user.pk)
    assert _only_entry(Action.USER_PASSWORD_RESET_SENT).object_id == str(user.pk)


def test_a_mail_that_fails_keeps_the_user_and_says_so(administrator, rf_request, settings):
    settings.EMAIL_BACKEND = "tests.core.users.failing_mail.FailingBackend"

    with pytest.raises(services.PasswordLinkNotSent, match="was created") as raised:
        _create(administrator, request=rf_request, password="", send_password_link=True)

    user = raised.value.extra["user"]
    assert User.objects.filter(pk=user.pk).exists()
    assert _only_entry(Action.USER_CREATED)
    assert not AuditEntry.objects.filter(action=Action.USER_PASSWORD_RESET_SENT).exists()


def test_role_set_moves_the_user_to_exactly_one_role(administrator, marketing_user, rf_request):
    other = marketing_user.groups.model.objects.create(name="Newsletter team")
    marketing_user.groups.add(other)

    services.user_role_set(actor=administrator, user=marketing_user, role=Role.ADMINISTRATOR,
                           request=rf_request)

    marketing_user.refresh_from_db()
    assert set(marketing_user.groups.values_list("name", flat=True)) == {
        "Administrators", "Newsletter team",
    }
    assert marketing_user.is_staff
    entry = _only_entry(Action.USER_ROLE_CHANGED)
    assert entry.actor == administrator
    assert entry.object_id == str(marketing_user.pk)
    assert entry.summary == "Marketing → Administrators"

    services.user_role_set(actor=administrator, user=marketing_user, role=Role.VIEWER)
    marketing_user.refresh_from_db()
    assert user_role_get(marketing_user) == Role.VIEWER
    assert not marketing_user.is_staff


def test_role_set_to_the_same_role_writes_nothing(administrator, marketing_user):
    services.user_role_set(actor=administrator, user=marketing_user, role=Role.MARKETING)
    assert not AuditEntry.objects.exists()


def test_a_superuser_stays_superuser_whatever_the_role(administrator):
    other = administrator_create(username="root2")
    services.user_role_set(actor=administrator, user=other, role=Role.MARKETING)
    other.refresh_from_db()
    assert other.is_superuser and not other.is_staff


def test_role_set_refuses_your_own_role(administrator):
    with pytest.raises(ApplicationError, match="your own role"):
        services.user_role_set(actor=administrator, user=administrator, role=Role.MARKETING)


def test_role_set_refuses_demoting_the_last_active_administrator(administrator):
    # The acting administrator is a superuser: make them an ordinary one for this rule.
    plain_admin = UserFactory(username="plain", role="Administrators", is_staff=True)
    administrator.is_superuser = False
    administrator.save()
    services.user_deactivate(actor=plain_admin, user=administrator)

    actor = marketing_user_create(username="someone")  # the service trusts its caller's rights
    with pytest.raises(ApplicationError, match="last active administrator"):
        services.user_role_set(actor=actor, user=plain_admin, role=Role.VIEWER)
    plain_admin.refresh_from_db()
    assert user_role_get(plain_admin) == Role.ADMINISTRATOR


def test_deactivate_and_reactivate_each_write_one_entry(administrator, marketing_user, rf_request):
    services.user_deactivate(actor=administrator, user=marketing_user, request=rf_request)
    marketing_user.refresh_from_db()
    assert not marketing_user.is_active
    assert User.objects.filter(pk=marketing_user.pk).exists()  # never deleted
    entry = _only_entry(Action.USER_DEACTIVATED)
    assert (entry.actor, entry.object_id) == (administrator, str(marketing_user.pk))

    services.user_reactivate(actor=administrator, user=marketing_user, request=rf_request)
    marketing_user.refresh_from_db()
    assert marketing_user.is_active
    entry = _only_entry(Action.USER_REACTIVATED)
    assert (entry.actor, entry.object_id) == (administrator, str(marketing_user.pk))


def test_deactivating_twice_writes_one_entry(administrator, marketing_user):
    services.user_deactivate(actor=administrator, user=marketing_user)
    services.user_deactivate(actor=administrator, user=marketing_user)
    assert _only_entry(Action.USER_DEACTIVATED)


def test_deactivate_refuses_yourself(administrator):
    with pytest.raises(ApplicationError, match="your own account"):
        services.user_deactivate(actor=administrator, user=administrator)


def test_deactivate_refuses_the_last_active_administrator(administrator, marketing_user):
    with pytest.raises(ApplicationError, match="last active administrator"):
        services.user_deactivate(actor=marketing_user, user=administrator)
    administrator.refresh_from_db()
    assert administrator.is_active
    assert not AuditEntry.objects.exists()


def test_deactivate_allows_an_administrator_when_another_is_active(administrator):
    second = administrator_create(username="second")
    services.user_deactivate(actor=administrator, user=second)
    second.refresh_from_db()
    assert not second.is_active


def test_password_reset_send_mails_a_working_link_and_writes_one_entry(
    administrator, marketing_user, rf_request
):
    marketing_user.email = "marketer@example.com"
    marketing_user.save()

    services.user_password_reset_send(actor=administrator, user=marketing_user,
                                      request=rf_request)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marketer@example.com"]
    entry = _only_entry(Action.USER_PASSWORD_RESET_SENT)
    assert (entry.actor, entry.object_id) == (administrator, str(marketing_user.pk))


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_password_reset_send_refuses_inactive_users_and_users_without_email(
    administrator, rf_request, change
):
    user = marketing_user_create(username="x", email="x@example.com")
    for field, value in change.items():
        setattr(user, field, value)
    user.save()
    with pytest.raises(ApplicationError):
        services.user_password_reset_send(actor=administrator, user=user, request=rf_request)
    assert not mail.outbox
    assert not AuditEntry.objects.exists()
