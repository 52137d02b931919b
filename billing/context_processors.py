from django.http import HttpRequest

from billing.selectors import low_balance_status_get


def low_balance(request: HttpRequest) -> dict:
    """The low-balance banner on every page; only for logged-in users, from the cache."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"low_balance": low_balance_status_get()}
