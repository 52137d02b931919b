"""The Justsend REST API 3.0 client: one typed method per endpoint of the manual.

Each manual section lives in its own module (bulks, groups, mail2sms, billing,
overview, messages, blacklist); they share :class:`JustsendTransport`, which
owns the ``httpx.Client``, the logging and the error mapping. Usage::

    with JustsendClient("https://justsend.io/api", app_key) as client:
        result = client.send_bulk(request=BulkSendRequest(...))
"""

from __future__ import annotations

from justsend_panel.sms.justsend.billing import BillingEndpoints
from justsend_panel.sms.justsend.blacklist import BlacklistEndpoints
from justsend_panel.sms.justsend.bulks import BulkEndpoints
from justsend_panel.sms.justsend.groups import GroupEndpoints, GroupMemberEndpoints
from justsend_panel.sms.justsend.mail2sms import Mail2SmsEndpoints
from justsend_panel.sms.justsend.messages import SingleMessageEndpoints
from justsend_panel.sms.justsend.overview import OverviewEndpoints
from justsend_panel.sms.justsend.transport import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT


class JustsendClient(
    BulkEndpoints,
    GroupMemberEndpoints,
    GroupEndpoints,
    Mail2SmsEndpoints,
    BillingEndpoints,
    OverviewEndpoints,
    SingleMessageEndpoints,
    BlacklistEndpoints,
):
    """``JustsendClient(base_url, app_key, *, timeout=10 s connect / 30 s read, transport=None, user_agent=None)``.

    Use it as a context manager or call :meth:`close`. ``transport`` lets tests
    (and the sandbox) plug in an ``httpx`` transport.
    """

    def __enter__(self) -> JustsendClient:
        return self


__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "DEFAULT_USER_AGENT", "JustsendClient"]
