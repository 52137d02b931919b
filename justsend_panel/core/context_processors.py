from django.conf import settings
from django.http import HttpRequest


def panel(request: HttpRequest) -> dict:
    return {
        "justsend_sandbox": settings.JUSTSEND_SANDBOX,
    }
