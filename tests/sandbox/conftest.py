from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from tests.fixtures.sandbox import PostbackReceiver, sandbox_posting_to
# The ``sandbox`` fixture comes from tests/fixtures/sandbox.py, registered in tests/conftest.py.

RECIPIENTS = [{"msisdn": "48500100200"}, {"msisdn": "48500100201"}]
# The manual's own sample date (3.1): past, so "send now".
SEND_DATE = "2025-10-17T10:00:00+02:00"


def bulk_body(**overrides) -> dict:
    body = {"name": "Promo", "bulkType": "STANDARD", "bulkVariant": "ECO", "message": "Hello from Justsend",
            "sendDate": SEND_DATE, "recipients": RECIPIENTS}
    body.update(overrides)
    return body


def numbers(count: int, start: int = 48600000000) -> list[str]:
    return [str(start + i) for i in range(count)]


@pytest.fixture
def api(sandbox) -> Iterator[httpx.Client]:
    with sandbox.client() as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[PostbackReceiver]:
    with PostbackReceiver() as collector:
        yield collector


@pytest.fixture
def sandbox_with_postbacks(tmp_path, receiver):
    with sandbox_posting_to(receiver, tmp_path) as running:
        yield running
