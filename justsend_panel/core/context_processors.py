from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from justsend_panel.core.provider import simulated_providers


def panel(request: HttpRequest) -> dict:
    return {
        "justsend_sandbox": settings.JUSTSEND_SANDBOX,
        # The sandbox banner names them; built from settings only (no query, no call).
        "simulated_providers": SimpleLazyObject(lambda: ", ".join(simulated_providers())),
    }
