"""Contract tests: the real :class:`JustsendClient` against the real sandbox over loopback HTTP.

Each test gets a fresh sandbox (manual clock) and a client pointed at it; nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from justsend_panel.sms.justsend import JustsendClient
from justsend_panel.sms.justsend.types import BulkSendRequest, BulkType, BulkVariant, Recipient
from tests.fixtures.sandbox import PostbackReceiver, sandbox_posting_to

NUMBERS = ("48500100200", "48500100201")
# Far enough ahead that nothing starts while a test looks at it, unless the clock is advanced.
LATER_SECONDS = 3600


@pytest.fixture
def justsend(sandbox) -> Iterator[JustsendClient]:
    with JustsendClient(sandbox.api_url, sandbox.app_key) as client:
        yield client


# The manual's own sample date (3.1): past, so "send now".
SEND_DATE = datetime.fromisoformat("2025-10-17T10:00:00+02:00")


def bulk_request(**overrides) -> BulkSendRequest:
    fields = {
        "name": "Contract promo",
        "bulk_type": BulkType.STANDARD,
        "bulk_variant": BulkVariant.ECO,
        "message": "Hello from Justsend",
        "send_date": SEND_DATE,
        "recipients": [Recipient(msisdn) for msisdn in NUMBERS],
    }
    fields.update(overrides)
    return BulkSendRequest(**fields)


def last_json(sandbox, path: str) -> object:
    """The JSON body of the last request the sandbox logged for ``path``."""
    entries = [entry for entry in sandbox.requests(path=path) if entry["path"] == path]
    assert entries, f"the sandbox logged no request to {path}"
    return entries[-1].get("json")


@pytest.fixture
def postback_receiver() -> Iterator[PostbackReceiver]:
    with PostbackReceiver() as receiver:
        yield receiver


@pytest.fixture
def sandbox_with_postbacks(tmp_path, postback_receiver):
    with sandbox_posting_to(postback_receiver, tmp_path) as running:
        yield running
