"""Middleware of the panel's own."""

import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from justsend_panel.core.queueing import enqueue_failed, enqueue_failed_reset
from justsend_panel.core.roles import user_is_read_only


class EnqueueFailedNoteMiddleware:
    """A saved change whose task the broker refused: the page says the work will follow.

    ``task_enqueue`` never raises for the broker; it remembers the failure in a context
    variable. gunicorn's gthread workers reuse a thread (and its context) for many requests,
    so the flag is reset as each request starts, never carried into the next user's page.
    Sits after MessageMiddleware, so the note is stored with the redirect it goes with.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        enqueue_failed_reset()
        response = self.get_response(request)
        if enqueue_failed():
            messages.warning(
                request,
                gettext(
                    "Saved. The background work (sync with Justsend, sending…) will follow"
                    " as soon as the task queue is reachable again."
                ),
                fail_silently=True,
            )
            enqueue_failed_reset()
        return response


class ReadOnlyRoleMiddleware:
    """The one place where a Viewer's changes are refused: every unsafe request is a 403.

    Views check what a role may see; this refuses what a read-only role may not do, so a
    page added later (or a view whose permission check is too broad) cannot let a Viewer
    write. Logging out and changing one's own password stay allowed. Safe methods cost
    nothing here: the user's groups are read only for an unsafe request of a logged-in user.
    """

    ALLOWED_VIEWS = frozenset({"logout", "password_change"})
    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in self.SAFE_METHODS:
            return None
        if request.resolver_match.view_name in self.ALLOWED_VIEWS:
            return None
        if user_is_read_only(request.user):
            raise PermissionDenied(gettext("Your role can look at the panel but not change it."))
        return None


class SessionIdleMiddleware:
    """A session ends after SESSION_COOKIE_AGE (SESSION_IDLE_MINUTES) without a request.

    Django renews a session's expiry only when the session is saved; saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) would write the session row on each page and each
    htmx poll. Instead the session is marked changed at most once per TOUCH_SECONDS, so it
    expires between SESSION_COOKIE_AGE - TOUCH_SECONDS and SESSION_COOKIE_AGE after the last
    request. A request that never looked at its session (a postback, a health check) never
    touches one.
    """

    KEY = "_idle_touched_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.touch_seconds = min(60, settings.SESSION_COOKIE_AGE // 10)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        touched_at = session.get(self.KEY)
        if touched_at is None or int(time.time()) - touched_at >= self.touch_seconds:
            self.touch(session)
        return response

    @classmethod
    def touch(cls, session) -> None:
        session[cls.KEY] = int(time.time())

    @classmethod
    def touch_on_login(cls, sender, request, user, **kwargs) -> None:
        """A login saves the session anyway: the next pages need not save it again."""
        session = getattr(request, "session", None)
        if session is not None:
            cls.touch(session)
