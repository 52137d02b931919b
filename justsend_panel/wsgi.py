"""The WSGI entry point (gunicorn): Justsend's postbacks are answered before Django's
handler, everything else goes through Django as usual.

A postback needs none of the middleware (sessions, auth, CSRF, locale, messages, CSP,
htmx, static files) nor URL resolving: ``WebhookFastPath`` checks the secret and stores
the body with the same function the Django view calls (``webhook_receive``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justsend_panel.settings")

django_application = get_wsgi_application()

from campaigns.deliveries.webhook import WebhookFastPath  # noqa: E402 - needs django.setup()

application = WebhookFastPath(django_application)
