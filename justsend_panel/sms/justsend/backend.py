"""Justsend behind the provider interface.

Justsend is the richest provider: remote groups and blacklist, file upload, scheduling,
cancel, and a bulk found again by its unique name (never twice by lookup). The campaign
path still drives :class:`JustsendClient` directly through :meth:`JustsendBackend.client`
for Justsend-only features (groups, blacklist, Mail2SMS, pricing and statistics); the
neutral methods below are what every provider has in common.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from justsend_panel.sms.base import Backend, Capabilities
from justsend_panel.sms.exceptions import SmsUnauthorized
from justsend_panel.sms.justsend.client import JustsendClient
from justsend_panel.sms.types import Balance


class JustsendBackend(Backend):
    name = "justsend"
    label = "Justsend"
    capabilities = Capabilities(
        # A JSON bulk takes any number of recipients; the panel switches to the file
        # upload for large audiences (ARCHITECTURE.md, "Campaign state machine").
        max_recipients_per_call=1_000_000,
        personalised_batch=True,
        file_upload=True,
        remote_groups=True,
        remote_blacklist=True,
        scheduling=True,
        cancel=True,
        find_batch_by_reference=True,
        delivery_webhooks=True,
        delivery_polling=True,
        inbound_messages=True,
        balance=True,
        price_query=True,
        email_to_sms=True,  # manual 5, Mail2SMS
        statistics=True,  # manual 8.4-8.8: keyword responses, statistics, messages, history
        charged_points=True,  # a bulk's chargedPoints (J 8.2)
    )

    _client: JustsendClient | None = None

    def client(self) -> JustsendClient:
        """The full Justsend client, for the Justsend-only features. Closed with the backend."""
        if self._client is None:
            app_key = self.config.credentials.get("app_key", "")
            if not app_key:
                # A configuration error, reported like any other refusal so that every
                # page that talks to Justsend shows it as a message instead of failing.
                raise SmsUnauthorized(_(
                    "No Justsend App-Key is configured: set JUSTSEND_APP_KEY, or run the"
                    " panel with its run command, which sets up the sandbox."
                ))
            self._client = JustsendClient(
                self.config.api_url, app_key, timeout=self.config.timeout, transport=self.transport
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def balance(self) -> Balance:
        summary = self.client().get_account_summary()
        return Balance(amount=summary.account_balance or Decimal(0), currency="points")

    def check(self) -> str:
        balance = self.balance()
        return f"balance {balance.amount} {balance.currency}"
