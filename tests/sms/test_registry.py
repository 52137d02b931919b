"""The provider interface's base and registry (justsend_panel/sms/base.py, registry.py)."""

import pytest

from justsend_panel.sms.base import Backend, Capabilities, Mode, ProviderConfig
from justsend_panel.sms.exceptions import SmsUnsupported
from justsend_panel.sms.justsend.backend import JustsendBackend
from justsend_panel.sms.registry import PROVIDERS, Registry, backend_class
from justsend_panel.sms.types import MessageState, OutboundBatch, OutboundMessage


def _config(name: str, mode: Mode = Mode.SIMULATOR) -> ProviderConfig:
    return ProviderConfig(name=name, mode=mode, api_url="http://127.0.0.1:1/api", credentials={"app_key": "k"})


def test_capabilities_offered_lists_only_the_true_flags_in_order():
    caps = Capabilities(max_recipients_per_call=100, scheduling=True, balance=True)
    assert caps.offered() == ["scheduling", "balance"]


def test_credentials_never_reach_the_repr():
    config = ProviderConfig(name="justsend", mode=Mode.LIVE, api_url="u", credentials={"app_key": "s3cret"})
    assert "s3cret" not in repr(config)


def test_an_unconfigured_provider_is_off_and_refuses_a_backend():
    registry = Registry({"justsend": _config("justsend")})
    assert "justsend" in registry.enabled()
    registry = Registry({})
    assert registry.config("justsend").mode is Mode.OFF
    assert registry.enabled() == []
    with pytest.raises(SmsUnsupported):
        registry.get("justsend")


def test_an_unknown_provider_is_refused():
    with pytest.raises(ValueError, match="nosuch"):
        Registry({"nosuch": _config("nosuch")})
    with pytest.raises(SmsUnsupported):
        backend_class("nosuch")


def test_with_capability_asks_the_backend_not_the_name():
    registry = Registry({"justsend": _config("justsend")})
    assert registry.with_capability("remote_groups") == ["justsend"]
    assert registry.with_capability("mms") == []
    assert isinstance(registry.get("justsend"), JustsendBackend)
    assert list(PROVIDERS)[0] == "justsend"


def test_a_backend_refuses_a_feature_it_lacks_and_an_oversized_call():
    class Tiny(Backend):
        name = "tiny"
        label = "Tiny"
        capabilities = Capabilities(max_recipients_per_call=2)

    backend = Tiny(_config("tiny"))
    with pytest.raises(SmsUnsupported, match="Tiny does not offer cancelling"):
        backend.cancel_batch("b1")
    messages = [OutboundMessage(reference=str(i), to="48500000000", text="x") for i in range(3)]
    with pytest.raises(ValueError, match="at most 2"):
        backend.send_batch(OutboundBatch(reference="c-1", messages=messages))


def test_message_states_only_move_forward():
    assert not MessageState.SENT.is_final
    assert MessageState.DELIVERED.is_final and MessageState.REJECTED.is_final
    assert MessageState.QUEUED.rank < MessageState.SENT.rank < MessageState.DELIVERED.rank
    assert MessageState.DELIVERED.rank == MessageState.UNDELIVERED.rank


def test_plan_calls_chunks_by_the_call_size_in_order():
    class Three(Backend):
        name = "three"
        capabilities = Capabilities(max_recipients_per_call=3)

    messages = [OutboundMessage(reference=str(i), to="48500000000", text="x") for i in range(7)]
    calls = Three(_config("three")).plan_calls(messages)
    assert [[m.reference for m in call] for call in calls] == [["0", "1", "2"], ["3", "4", "5"], ["6"]]
