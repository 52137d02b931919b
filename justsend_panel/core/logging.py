import logging

from django.conf import settings

MASK = "********"
SECRET_SETTINGS = (
    "JUSTSEND_APP_KEY",
    "JUSTSEND_SANDBOX_APP_KEY",
    "JUSTSEND_WEBHOOK_SECRET",
    "SMSMANAGER_API_KEY",
    "SMSMANAGER_SANDBOX_API_KEY",
    "SMSMANAGER_WEBHOOK_SECRET",
    "JUSTCALL_API_KEY",
    "JUSTCALL_API_SECRET",
    "JUSTCALL_SANDBOX_API_KEY",
    "JUSTCALL_SANDBOX_API_SECRET",
    "JUSTCALL_WEBHOOK_SECRET",
    "SMSBY_TOKEN",
    "SMSBY_SANDBOX_TOKEN",
    "EMAIL_HOST_PASSWORD",
)


class RedactSecretsFilter(logging.Filter):
    """Masks the configured secrets in every record, whoever logged it.

    The code never logs a secret on purpose; this catches what a library might (a URL
    with the webhook secret in its path, an exception that echoes a header).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [s for s in (getattr(settings, n, "") for n in SECRET_SETTINGS) if s]
        if not secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in secrets:
            redacted = redacted.replace(secret, MASK)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class ForbiddenOneLineFilter(logging.Filter):
    """A 403 is a user meeting a permission, not a fault: one line with who and where.

    Django logs every PermissionDenied on ``django.request`` at WARNING with its traceback
    (25 lines for one click on a page the role does not allow); the record keeps its level
    and logger, loses the traceback and names the user and the path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        path = request.get_full_path() if request is not None else "?"
        record.msg, record.args = "Forbidden (403): user %s, %s %s", (
            who, getattr(request, "method", "?"), path)
        record.exc_info = record.exc_text = None
        return True
