"""Errors of the provider layer.

Every failure talking to an SMS provider surfaces as one :class:`SmsError`
subclass, carrying the HTTP ``status`` (when there was an answer), the answer's
``body`` (decoded JSON, text, or ``None``) and a ``message`` fit to show a user.
httpx exceptions and HTTP statuses are translated into these classes in a single
place, :mod:`justsend_panel.sms.http`.

Celery tasks retry only :data:`TRANSIENT_ERRORS`; anything else is a request
that would fail the same way again.
"""

from __future__ import annotations

from typing import Any


class SmsError(Exception):
    """Base of every provider error."""

    default_message = "The SMS provider request failed."

    def __init__(self, message: str | None = None, *, status: int | None = None, body: Any = None) -> None:
        self.message = message or self.default_message
        self.status = status
        self.body = body
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Celery pickles exceptions across processes: rebuild from the message and
        # restore the keyword attributes (status, body, retry_after) as state.
        return (type(self), (self.message,), self.__dict__.copy())


class SmsHostError(SmsError):
    """The provider could not be reached (DNS, refused connection, TLS, broken pipe)."""

    default_message = "Could not connect to the SMS provider."


class SmsTimeoutError(SmsError):
    """The provider did not answer within the configured timeout."""

    default_message = "The SMS provider did not answer in time."


class SmsUnauthorized(SmsError):
    """401 or 403: the App-Key is missing, wrong, or lacks a permission."""

    default_message = "The SMS provider rejected the access key or lacks a permission."


class SmsNotFound(SmsError):
    """404: the resource (bulk, group, code…) does not exist."""

    default_message = "The SMS provider could not find the requested resource."


class SmsConflict(SmsError):
    """409: the resource is in a state that forbids the operation (e.g. a finished bulk)."""

    default_message = "The SMS provider refused the operation in the resource's current state."


class SmsRateLimited(SmsError):
    """429: too many requests; ``retry_after`` is the wait in seconds when the provider said."""

    default_message = "The SMS provider is limiting the request rate."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = 429,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body)
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, retry_after={self.retry_after!r}, "
            f"message={self.message!r})"
        )


class SmsServerError(SmsError):
    """5xx: the provider failed on its side."""

    default_message = "The SMS provider had an internal error."


class SmsApiError(SmsError):
    """Any other 4xx, usually 400 with the provider's explanation as ``message``."""

    default_message = "The SMS provider rejected the request."


class SmsBadResponse(SmsError):
    """A success status with a body we cannot make sense of (malformed JSON, wrong shape)."""

    default_message = "The SMS provider sent an answer that could not be understood."


class SmsWebhookError(SmsError):
    """An inbound postback that is not valid JSON or lacks the fields its kind needs."""

    default_message = "The postback payload is malformed."


class SmsUnsupported(SmsError):
    """The provider has no such feature (no remote groups, no cancel, no balance…).

    The apps ask a backend's :class:`~justsend_panel.sms.base.Capabilities` before
    offering a feature; this is raised when a call is made anyway.
    """

    default_message = "The SMS provider does not offer this feature."


TRANSIENT_ERRORS: tuple[type[SmsError], ...] = (
    SmsHostError,
    SmsTimeoutError,
    SmsRateLimited,
    SmsServerError,
)

__all__ = [
    "TRANSIENT_ERRORS",
    "SmsApiError",
    "SmsBadResponse",
    "SmsConflict",
    "SmsError",
    "SmsHostError",
    "SmsNotFound",
    "SmsRateLimited",
    "SmsServerError",
    "SmsTimeoutError",
    "SmsUnauthorized",
    "SmsUnsupported",
    "SmsWebhookError",
]
