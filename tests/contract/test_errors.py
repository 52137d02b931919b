"""Failures over real HTTP: every fault the sandbox can make becomes the right ``SmsError``."""

from __future__ import annotations

import logging
import threading

import pytest

from justsend_panel.sms import (
    TRANSIENT_ERRORS,
    SmsApiError,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
    SmsUnauthorized,
)
from justsend_panel.sms.justsend import JustsendClient
from tests.contract.conftest import bulk_request


def test_a_wrong_app_key_is_unauthorized_and_never_shown(sandbox, caplog):
    wrong_key = "wrong-key-SECRET-123"
    caplog.set_level(logging.DEBUG)
    with JustsendClient(sandbox.api_url, wrong_key) as client:
        with pytest.raises(SmsUnauthorized) as caught:
            client.get_account_summary()
    assert caught.value.status == 401 and "Access denied" in caught.value.message
    for text in (str(caught.value), repr(caught.value), repr(client), caplog.text):
        assert wrong_key not in text and sandbox.app_key not in text
    assert sandbox.requests(path="/api/payment/account/summary")[-1]["appKey"] == "invalid"


def test_429_carries_retry_after(sandbox, justsend):
    sandbox.set_faults(rate_429=1.0, retry_after=3)
    with pytest.raises(SmsRateLimited) as caught:
        justsend.list_groups()
    assert caught.value.retry_after == 3 and caught.value.status == 429
    assert isinstance(caught.value, TRANSIENT_ERRORS)
    sandbox.set_faults(rate_429=0.0)
    assert justsend.list_groups().total_elements == 0


def test_500_is_a_server_error(sandbox, justsend):
    sandbox.set_faults(rate_500=1.0)
    with pytest.raises(SmsServerError, match="Sandbox server error fault") as caught:
        justsend.send_bulk(request=bulk_request())
    assert caught.value.status == 500
    sandbox.set_faults(rate_500=0.0)
    assert justsend.list_bulks().total_elements == 0  # the failed send left nothing behind


def test_a_hanging_answer_is_a_timeout(sandbox):
    sandbox.set_faults(timeout=True)
    try:
        with JustsendClient(sandbox.api_url, sandbox.app_key, timeout=0.3) as client:
            with pytest.raises(SmsTimeoutError, match="in time"):
                client.get_pricing_config()
    finally:
        sandbox.set_faults(timeout=False)  # lets the held request go
    with JustsendClient(sandbox.api_url, sandbox.app_key, timeout=5) as client:
        assert client.get_pricing_config().variants


def test_insufficient_funds_is_an_api_error_with_the_sandbox_message(sandbox, justsend):
    sandbox.set_balance(balance=0, promo=0)
    with pytest.raises(SmsApiError) as caught:
        justsend.send_bulk(request=bulk_request())
    error = caught.value
    assert type(error) is SmsApiError and error.status == 400
    assert error.message == "Insufficient funds: 14.00 points needed, 0.00 available"
    assert error.body["code"] == "INSUFFICIENT_FUNDS"
    assert not isinstance(error, TRANSIENT_ERRORS)
    with pytest.raises(SmsApiError, match="Insufficient funds"):
        justsend.send_single_message(msisdn="48500100200", content="Hi")


def test_concurrent_clients_share_one_sandbox(sandbox):
    errors: list[Exception] = []

    def send(index: int) -> None:
        try:
            with JustsendClient(sandbox.api_url, sandbox.app_key) as client:
                client.send_bulk(request=bulk_request(name=f"parallel-{index}"))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with JustsendClient(sandbox.api_url, sandbox.app_key) as client:
        assert sorted(b.name for b in client.iter_bulks()) == [f"parallel-{i}" for i in range(6)]
