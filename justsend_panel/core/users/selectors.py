"""Reads for the Users pages: the users with their role, and who is locked out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db.models import Max, Prefetch, QuerySet, Sum
from django.utils import timezone

from justsend_panel.core.users.roles import ROLE_GROUPS, ROLES_BY_POWER


def users_list_qs() -> QuerySet:
    """Every user (the inactive too), with their role groups fetched in one more query."""
    return (
        get_user_model()
        .objects.prefetch_related(
            Prefetch(
                "groups", queryset=Group.objects.filter(name__in=ROLE_GROUPS),
                to_attr="role_groups",
            )
        )
        .order_by("username")
    )


def user_role_get(user: AbstractUser) -> str:
    """The name of the user's role group, "" when none. Several (made in Django admin):
    the most powerful, as that is what the user may do."""
    names = (
        [group.name for group in user.role_groups]
        if hasattr(user, "role_groups")
        else list(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
    )
    for name in reversed(ROLES_BY_POWER):
        if name in names:
            return name
    return ""


def _failure_limit() -> int:
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    # A callable limit depends on the request; without one, axes' usual number.
    return limit if isinstance(limit, int) else 3


def _cool_off() -> timedelta | None:
    from axes.helpers import get_cool_off

    try:
        return get_cool_off()
    except TypeError:  # a cool-off computed from the request
        return None


def _locked_by_username_alone() -> bool:
    parameters = getattr(settings, "AXES_LOCKOUT_PARAMETERS", None) or ["ip_address"]
    return any(
        parameter == "username" or list(parameter) == ["username"] for parameter in parameters
    )


def users_locked_out(usernames: Iterable[str]) -> set[str]:
    """Which of ``usernames`` django-axes refuses now: failed logins at its limit within the
    cool-off. Locked per username, the failures from every address add up; locked per
    username and address, one address at the limit counts."""
    usernames = list(usernames)
    if not usernames or not apps.is_installed("axes"):
        return set()
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username__in=usernames)
    cool_off = _cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    counts = attempts.values("username").annotate(
        total=Sum("failures_since_start"), most=Max("failures_since_start")
    )
    limit = _failure_limit()
    key = "total" if _locked_by_username_alone() else "most"
    return {row["username"] for row in counts if row[key] >= limit}
