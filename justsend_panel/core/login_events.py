"""Logins, failed logins and lockouts in the activity log, from the auth signals.

Django sends ``user_logged_in`` / ``user_login_failed`` and django-axes ``user_locked_out``
wherever a login happens (the panel's form, Django admin's), so the receivers are the
one place that sees them all. A failed login records the username tried and the client's
address, never the password (Django masks it in ``credentials`` anyway; it is not read).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record

USERNAME_TRIED = gettext_noop("Username tried: %(username)s")
LOCKED_OUT = gettext_noop(
    "Username tried: %(username)s. Logging in is paused after %(failures)s failed attempts."
)


def _user_tried(username: str):
    if not username:
        return None
    return get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}
    ).first()


def _record_attempt(*, action: str, username: str, request, summary: str, **params) -> None:
    user = _user_tried(username)
    audit_record(
        action=action,
        object_type="auth.user",
        object_id=str(user.pk) if user else "",
        object_label=username,
        summary=summary,
        summary_params={"username": username, **params},
        request=request,
    )


def login_audit(sender, request, user, **kwargs) -> None:
    audit_record(action=Action.LOGIN, actor=user, obj=user, request=request)


def login_failed_audit(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")[:150]
    _record_attempt(
        action=Action.LOGIN_FAILED, username=username, request=request, summary=USERNAME_TRIED
    )


def locked_out_audit(sender, request, username=None, ip_address=None, **kwargs) -> None:
    # axes sends the signal again for each attempt refused while the lockout lasts; only
    # the attempt that locked out has just counted the failures.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    _record_attempt(
        action=Action.LOCKED_OUT, username=str(username or "")[:150], request=request,
        summary=LOCKED_OUT, failures=failures,
    )
