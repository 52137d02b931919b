from django.test import Client
from django.urls import reverse


def logs_in(username: str, password: str) -> bool:
    """Whether the login form lets ``username`` in with ``password`` (a real POST: django-axes'
    backend authenticates only with the request, which ``Client.login`` does not pass)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == reverse("core:dashboard")
