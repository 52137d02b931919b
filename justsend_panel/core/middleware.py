"""Middleware of the panel's own."""

from django.contrib import messages
from django.utils.translation import gettext

from justsend_panel.core.queueing import enqueue_failed, enqueue_failed_reset


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
