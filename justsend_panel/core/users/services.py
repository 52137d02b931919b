"""Users and roles: created in one step, given exactly one role, deactivated (never deleted,
so their history stays attributed), sent a password link, unlocked after failed logins.

Every service is called by an administrator (``actor``) and writes one audit entry at its end.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.users.mail import (
    INVITE_EMAIL,
    INVITE_SUBJECT,
    RESET_EMAIL,
    RESET_SUBJECT,
    OneUserPasswordLinkForm,
)
from justsend_panel.core.users.roles import ROLE_GROUPS, Role
from justsend_panel.core.users.selectors import user_role_get


class PasswordLinkNotSent(ApplicationError):
    """The user was saved, but the e-mail with the password link could not be sent."""


def _administrators_q() -> Q:
    # Superusers hold every permission whatever their groups, so they count too.
    return Q(groups__name=Role.ADMINISTRATOR) | Q(is_superuser=True)


def _refuse_leaving_no_administrator(user: AbstractUser, message: str) -> None:
    """Refuse when ``user`` is the last active administrator.

    The administrators' rows are locked first (in pk order), so two administrators taking
    each other's role or account at once are served one after the other. They are then
    counted again in a statement of its own: under READ COMMITTED it sees what the other
    transaction committed while this one waited, which the locking statement does not.
    """
    user_model = get_user_model()
    administrators = user_model.objects.filter(_administrators_q(), is_active=True)
    list(
        user_model.objects.filter(pk__in=administrators.values("pk"))
        .select_for_update().order_by("pk").values_list("pk", flat=True)
    )
    remaining = set(administrators.values_list("pk", flat=True))
    if remaining == {user.pk}:
        raise ApplicationError(message)


def _user_locked(user: AbstractUser) -> AbstractUser:
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _role_apply(user: AbstractUser, role: Role) -> None:
    """Exactly one role group (other groups stay); staff exactly when Administrator.
    A superuser stays a superuser."""
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    is_staff = role == Role.ADMINISTRATOR
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_create(
    *,
    actor: AbstractUser,
    first_name: str,
    last_name: str,
    email: str,
    role: Role | str,
    username: str = "",
    password: str = "",
    send_password_link: bool = False,
    request: HttpRequest | None = None,
) -> AbstractUser:
    """A user with a role in one step: either an initial password, or none and a link by
    e-mail to set one. The username defaults to the e-mail address.

    Raises ApplicationError (nothing saved) for a taken username or e-mail, a weak password
    or neither password nor link; PasswordLinkNotSent (the user saved) when the mail fails.
    """
    role = Role(role)
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    username = (username.strip() or email).strip()
    if not email:
        raise ApplicationError(_("Give the user's e-mail address."))
    if bool(password) == bool(send_password_link):
        raise ApplicationError(
            _("Give either an initial password or send a link to set it, not both.")
            if password
            else _("Give an initial password or choose to send a link to set it.")
        )
    with transaction.atomic():
        if user_model.objects.filter(username__iexact=username).exists():
            raise ApplicationError(
                _("The username “%(username)s” is taken.") % {"username": username}
            )
        if user_model.objects.filter(email__iexact=email).exists():
            raise ApplicationError(
                _("Another user has the e-mail address %(email)s.") % {"email": email}
            )
        user = user_model(
            username=username, email=email, first_name=first_name.strip(),
            last_name=last_name.strip(), is_active=True,
        )
        try:
            user.clean_fields(exclude=["password"])
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages)) from exc
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ApplicationError(" ".join(exc.messages)) from exc
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        _role_apply(user, role)
        audit_record(
            action=Action.USER_CREATED, actor=actor, obj=user, request=request,
            summary=role.value,
        )
    if send_password_link:
        try:
            user_password_reset_send(actor=actor, user=user, request=request, new_account=True)
        except PasswordLinkNotSent as exc:
            raise PasswordLinkNotSent(
                _(
                    "The user was created, but the e-mail with the link could not be sent"
                    " (%(error)s). Send it again from the user's page once e-mail works."
                )
                % {"error": exc.extra.get("error", "")},
                extra={"user": user},
            ) from exc
    return user


def user_role_set(
    *, actor: AbstractUser, user: AbstractUser, role: Role | str,
    request: HttpRequest | None = None,
) -> AbstractUser:
    """Give ``user`` exactly one role. Refused for your own account and for the last active
    administrator (someone must be able to manage users)."""
    role = Role(role)
    if user.pk == actor.pk:
        raise ApplicationError(_("You cannot change your own role; ask another administrator."))
    with transaction.atomic():
        if role != Role.ADMINISTRATOR:
            _refuse_leaving_no_administrator(
                user, _("%(user)s is the last active administrator; make another user an"
                        " administrator first.") % {"user": user.get_username()},
            )
        user = _user_locked(user)
        previous = user_role_get(user)
        if previous == role and user.groups.filter(name__in=ROLE_GROUPS).count() == 1:
            return user
        _role_apply(user, role)
        audit_record(
            action=Action.USER_ROLE_CHANGED, actor=actor, obj=user, request=request,
            # Group names, not translated labels: the entry reads the same in every language.
            summary=f"{previous or '-'} → {role.value}",
        )
    return user


def user_deactivate(
    *, actor: AbstractUser, user: AbstractUser, request: HttpRequest | None = None
) -> AbstractUser:
    """The user can no longer log in (their open sessions end too); nothing of theirs is
    deleted. Refused for your own account and for the last active administrator."""
    if user.pk == actor.pk:
        raise ApplicationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        _refuse_leaving_no_administrator(
            user, _("%(user)s is the last active administrator and cannot be deactivated.")
            % {"user": user.get_username()},
        )
        user = _user_locked(user)
        if not user.is_active:
            return user
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(action=Action.USER_DEACTIVATED, actor=actor, obj=user, request=request)
    return user


def user_reactivate(
    *, actor: AbstractUser, user: AbstractUser, request: HttpRequest | None = None
) -> AbstractUser:
    with transaction.atomic():
        user = _user_locked(user)
        if user.is_active:
            return user
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(action=Action.USER_REACTIVATED, actor=actor, obj=user, request=request)
    return user


def user_password_reset_send(
    *, actor: AbstractUser, user: AbstractUser, request: HttpRequest,
    new_account: bool = False,
) -> None:
    """E-mail ``user`` a one-time link to set a new password (Django's reset tokens: valid
    for PASSWORD_RESET_TIMEOUT, void once used or once the password changes)."""
    email = getattr(user, get_user_model().get_email_field_name())
    if not user.is_active:
        raise ApplicationError(_("Reactivate the user before sending a password link."))
    if not email:
        raise ApplicationError(_("The user has no e-mail address to send the link to."))
    form = OneUserPasswordLinkForm(user=user)
    form.is_valid()
    try:
        # The mail is sent before the entry is written and outside the transaction: an SMTP
        # server that is slow never holds the database, and a mail that failed is not logged
        # as sent.
        form.save(
            request=request, use_https=request.is_secure(),
            subject_template_name=INVITE_SUBJECT if new_account else RESET_SUBJECT,
            email_template_name=INVITE_EMAIL if new_account else RESET_EMAIL,
        )
    except Exception as exc:  # any failure of the mail backend is reported, not a 500
        raise PasswordLinkNotSent(
            _("The e-mail could not be sent (%(error)s).") % {"error": type(exc).__name__},
            extra={"error": type(exc).__name__},
        ) from exc
    with transaction.atomic():
        audit_record(
            action=Action.USER_PASSWORD_RESET_SENT, actor=actor, obj=user, request=request,
            summary=email,
        )


def user_unlock(
    *, actor: AbstractUser, user: AbstractUser, request: HttpRequest | None = None
) -> int:
    """Forget the failed logins recorded for the username (django-axes), so the user may log
    in at once. Returns how many records were removed."""
    if not apps.is_installed("axes"):
        raise ApplicationError(_("Login throttling is not installed; there is nothing to unlock."))
    from axes.utils import reset

    with transaction.atomic():
        removed = reset(username=user.get_username())
        audit_record(action=Action.USER_UNLOCKED, actor=actor, obj=user, request=request)
    return removed
