"""The recorded-call fault rows' provider descriptions (the rows themselves run with
`make faults`): SMS.by's row reads its simulator right, is polled in mailings of the size
the harness gives the panel, and the storm's and the kill's switches reach its paths."""

from __future__ import annotations

import os
import sys
import time
from types import SimpleNamespace

import httpx
import pytest

from faults import recorded_cases
from faults.harness import SMSBY_MAILING_SIZE, Panel
from faults.recorded_cases import (CALLBACKS, JUSTCALL, POLLING, SMSBY, SMSMANAGER,
                                   provider_prepare, sandbox_accepted)
from faults.verdict import duplicates_count
from justsend_panel.sandbox.server import run_sandbox

PHONES = ("48500000001", "48500000002")


@pytest.fixture
def sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual") as running:
        yield running


def _mailing_send(sandbox, name: str, phones=PHONES, *, timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{sandbox.smsby_url}/sendBulkSms", timeout=timeout, json={
        "token": sandbox.smsby_token, "callback_url": "", "messages": [{
            "alphaname_id": SMSBY.campaign["sender"], "name": name, "message_type": "bulk",
            "text": "Winter sale", "delivery_list": list(phones)}]})


class _Panel:
    """The harness's view of the sandbox's state file (``Panel.sandbox_rows``)."""

    def __init__(self, sandbox):
        self.store = sandbox.app.store

    def sandbox_rows(self, sql: str, params=()):
        return [tuple(row) for row in self.store.all(sql, params)]


def test_the_default_suite_runs_the_sms_by_rows(monkeypatch, capsys):
    from faults.__main__ import main

    monkeypatch.setattr(sys, "argv", ["faults", "--list"])
    assert main() == 0
    keys = capsys.readouterr().out.split()
    assert {"sb-rate", "sb-kill-call", "sb-kill-hang", "jc-rate", "sm-kill-call"} <= set(keys)
    # Before the outages that the suite keeps for last.
    assert keys.index("sb-kill-hang") < keys.index("sandbox-down")


def test_each_provider_says_how_its_statuses_arrive_and_how_many_go_per_call():
    assert (SMSMANAGER.statuses, JUSTCALL.statuses, SMSBY.statuses) == (CALLBACKS, CALLBACKS,
                                                                       POLLING)
    assert (SMSMANAGER.per_call, JUSTCALL.per_call, SMSBY.per_call) == (10, 1, SMSBY_MAILING_SIZE)
    assert (SMSMANAGER.storm_size, JUSTCALL.storm_size, SMSBY.storm_size) == (3000, 600, 2000)
    # A kill "a few calls in" (the third) lands mid-campaign.
    assert SMSBY.size > 3 * SMSBY.per_call
    # Only SMS.by finds a lost call again (by its mailing's name) before anything is re-sent.
    assert [s.finds_by_reference for s in (SMSMANAGER, JUSTCALL, SMSBY)] == [False, False, True]
    from justsend_panel.core.provider import provider_registry

    for simulated in (SMSMANAGER, JUSTCALL, SMSBY):
        capabilities = provider_registry().capabilities(simulated.provider)
        assert simulated.finds_by_reference == capabilities.find_batch_by_reference
        assert (simulated.statuses == POLLING) == capabilities.delivery_polling


def test_the_harness_gives_the_panel_sms_by_mailings_of_the_rows_size(monkeypatch, tmp_path,
                                                                        settings):
    monkeypatch.setattr(os, "environ", os.environ.copy())  # Panel() exports its environment
    services = SimpleNamespace(database_url="postgres://127.0.0.1:1/x",
                               redis=SimpleNamespace(url="redis://127.0.0.1:1/0"))
    panel = Panel(tmp_path, services)
    assert panel.env["SMSBY_MAILING_SIZE"] == str(SMSBY.per_call)

    from justsend_panel.core.provider import provider_backend
    from justsend_panel.sms.types import OutboundMessage

    settings.SMSBY_MAILING_SIZE = int(panel.env["SMSBY_MAILING_SIZE"])
    messages = [OutboundMessage(reference=str(i), to=f"48500{i:06d}", text="Hi")
                for i in range(SMSBY.per_call * 2 + 7)]
    with provider_backend("smsby") as backend:
        assert [len(call) for call in backend.plan_calls(messages)] == [
            SMSBY.per_call, SMSBY.per_call, 7]


def test_sms_by_rows_count_a_number_in_two_mailings_as_one_duplicate(sandbox):
    panel = _Panel(sandbox)
    assert _mailing_send(sandbox, "camp-1").status_code == 200
    assert _mailing_send(sandbox, "camp-2", PHONES[:1]).status_code == 200
    accepted = sandbox_accepted(panel, set(PHONES) | {"48999999999"}, SMSBY)
    assert sorted(accepted) == sorted([*PHONES, PHONES[0]])
    assert duplicates_count(accepted) == 1


def test_sms_by_rows_wait_for_the_simulator_to_finish_its_messages(sandbox):
    panel = _Panel(sandbox)
    _mailing_send(sandbox, "camp-1")
    assert [panel.sandbox_rows(sql)[0][0] for sql in SMSBY.busy_sql] == [2]
    sandbox.advance(120)
    assert [panel.sandbox_rows(sql)[0][0] for sql in SMSBY.busy_sql] == [0]


def test_the_storm_switches_reach_sms_by_sending_and_take_nothing(sandbox):
    panel = _Panel(sandbox)
    sandbox.set_faults(rate_429=1, retry_after=9)
    limited = _mailing_send(sandbox, "camp-1")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    sandbox.set_faults(rate_500=1)
    assert _mailing_send(sandbox, "camp-1").status_code == 500
    assert sandbox_accepted(panel, set(PHONES), SMSBY) == []
    sandbox.set_faults()
    assert _mailing_send(sandbox, "camp-1").status_code == 200
    requests = sandbox.requests(SMSBY.send_path)
    assert [entry["status"] for entry in requests] == [429, 500, 200]


def test_a_mailing_whose_answer_the_client_gave_up_on_is_still_held_by_sms_by(sandbox):
    """What sb-kill-call relies on: with the latency switch on, the worker dies before the
    answer, yet SMS.by takes the mailing (found again by its name afterwards)."""
    panel = _Panel(sandbox)
    sandbox.set_faults(latency_ms=1500)
    with pytest.raises(httpx.ReadTimeout):
        _mailing_send(sandbox, "camp-3", timeout=0.3)
    deadline = time.monotonic() + 10
    while not sandbox_accepted(panel, set(PHONES), SMSBY) and time.monotonic() < deadline:
        time.sleep(0.1)
    sandbox.set_faults()
    assert sorted(sandbox_accepted(panel, set(PHONES), SMSBY)) == sorted(PHONES)
    names = [row[0] for row in panel.sandbox_rows("SELECT name FROM smsby_mailings")]
    assert names == ["camp-3"]


@pytest.mark.django_db
def test_the_providers_page_settings_each_row_needs_are_set_before_its_campaign():
    from justsend_panel.core.models import ProviderSetting

    provider_prepare(SMSMANAGER)
    assert not ProviderSetting.objects.filter(provider="smsmanager").exists()
    provider_prepare(JUSTCALL)
    provider_prepare(SMSBY)
    justcall = ProviderSetting.objects.get(provider="justcall")
    assert (justcall.from_numbers, justcall.rate_limit) == ([recorded_cases.JUSTCALL_FROM], 50)
    assert ProviderSetting.objects.get(provider="smsby").default_sender == SMSBY.campaign["sender"]
