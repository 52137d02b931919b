"""SmsManagerBackend.plan_calls: 10 requests of 10 recipients of one text per call."""

from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.registry import Registry
from justsend_panel.sms.smsmanager.backend import SmsManagerBackend, pack_requests
from justsend_panel.sms.types import OutboundMessage


def _messages(count, text=lambda i: "same"):
    return [OutboundMessage(reference=f"r{i}", to=f"4850000{i:04d}", text=text(i)) for i in range(count)]


def _backend():
    config = ProviderConfig(name="smsmanager", mode=Mode.SIMULATOR, api_url="http://127.0.0.1:1/smsmanager/v2",
                            credentials={"api_key": "k"})
    return Registry({"smsmanager": config}).get("smsmanager")


def test_registered_with_its_capabilities():
    backend = _backend()
    assert isinstance(backend, SmsManagerBackend)
    assert backend.label == "SMS Manager"
    caps = backend.capabilities
    assert caps.max_recipients_per_call == 100
    assert caps.offered() == ["personalised_batch", "scheduling", "delivery_webhooks",
                              "inbound_messages", "channels"]


def test_one_text_goes_100_per_call_in_order():
    messages = _messages(250)
    calls = _backend().plan_calls(messages)
    assert [len(call) for call in calls] == [100, 100, 50]
    assert [m for call in calls for m in call] == messages


def test_a_fully_personalised_audience_goes_10_per_call():
    messages = _messages(25, text=lambda i: f"Hello {i}")
    calls = _backend().plan_calls(messages)
    assert [len(call) for call in calls] == [10, 10, 5]
    assert [m for call in calls for m in call] == messages


def test_same_texts_share_requests_of_at_most_10():
    messages = _messages(23, text=lambda i: "A" if i % 2 == 0 else "B")
    requests = pack_requests(messages)
    assert [(len(r), r[0].text) for r in requests] == [(10, "A"), (10, "B"), (2, "A"), (1, "B")]
    assert all(len({m.text for m in r}) == 1 for r in requests)
    assert requests[0] == messages[0:20:2]
    calls = _backend().plan_calls(messages)
    assert len(calls) == 1 and sorted(calls[0], key=messages.index) == messages


def test_eleven_requests_need_two_calls():
    messages = _messages(11 * 10 + 1, text=lambda i: f"t{i // 10}")
    calls = _backend().plan_calls(messages)
    assert [len(call) for call in calls] == [100, 11]
