"""An e-mail backend whose server refuses every message, for the failure paths."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the SMTP server refused the connection")
