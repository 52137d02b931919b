from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from justsend_panel.sandbox.server import run_sandbox
from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX, PostbackReceiver

# Valid MSISDNs under the Justsend sandbox's rule (rules.normalise_msisdn), and digits that are not.
GOOD = ["48500100200", "48500100201", "420777123456"]
BAD = ["0123456789", "4850010", "12345"]


@pytest.fixture
def receiver() -> Iterator[PostbackReceiver]:
    with PostbackReceiver() as collector:
        yield collector


@pytest.fixture
def callback_url(receiver) -> str:
    return receiver.url.replace("/webhooks/justsend/", "/webhooks/smsmanager/")


@pytest.fixture
def smsm_sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual", delivery_mix=POSTBACK_DELIVERY_MIX) as running:
        yield running


@pytest.fixture
def smsm(smsm_sandbox) -> Iterator[httpx.Client]:
    """Raw HTTP to the simulator, the API key set."""
    with httpx.Client(base_url=smsm_sandbox.smsmanager_url + "/", headers={"x-api-key": smsm_sandbox.smsmanager_api_key},
                      timeout=30) as client:
        yield client


def callbacks(receiver: PostbackReceiver) -> list[dict]:
    with receiver.lock:
        return [body for path, body in receiver.received if "/webhooks/smsmanager/" in path]
