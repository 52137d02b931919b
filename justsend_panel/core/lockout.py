"""The page a locked-out login gets: the login form with a message that says why and when."""

import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: for the panel's login and Django admin's alike."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out_minutes": minutes},
        status=429,
    )
