import logging

from django.conf import settings

MASK = "********"
SECRET_SETTINGS = (
    "JUSTSEND_APP_KEY",
    "JUSTSEND_SANDBOX_APP_KEY",
    "JUSTSEND_WEBHOOK_SECRET",
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
