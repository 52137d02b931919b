import pytest

from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.exceptions import SmsNotFound, SmsUnauthorized
from justsend_panel.sms.justcall.backend import JustCallBackend
from justsend_panel.sms.registry import PROVIDERS, Registry
from justsend_panel.sms.types import AcceptedMessage, OutboundBatch, OutboundMessage

from .conftest import BASE_URL, FROM, config, sent_json

ANSWER = {"status": "success", "message": "Message sent",
          "data": {"message_id": "msg_1", "from": FROM, "to": "+48500100200", "direction": "outbound",
                   "status": "queued"}}
CALLBACK = "https://panel.example/webhooks/justcall/secret-abc/"


def _batch(*messages, **fields):
    fields.setdefault("sender", FROM)
    return OutboundBatch(reference="call-1", messages=messages or (
        OutboundMessage("r1", "48500100200", "Hi", callback_token="tok-r1"),), **fields)


def test_capabilities_from_the_manual():
    caps = JustCallBackend.capabilities
    assert caps.max_recipients_per_call == 1
    assert caps.mms and caps.delivery_webhooks
    assert not caps.find_batch_by_reference and not caps.inbound_messages and not caps.balance
    assert not caps.scheduling and not caps.cancel and not caps.personalised_batch


def test_registered():
    assert PROVIDERS["justcall"].endswith("JustCallBackend")
    registry = Registry({"justcall": config()})
    assert "justcall" in registry.enabled()
    assert isinstance(registry.get("justcall"), JustCallBackend)


def test_plan_calls_one_recipient_per_call():
    backend = JustCallBackend(config())
    messages = [OutboundMessage(f"r{i}", f"4850010020{i}", "Hi") for i in range(3)]
    assert backend.plan_calls(messages) == [[m] for m in messages]


def test_a_send_builds_the_per_recipient_webhook_url_and_reads_the_receipt(api, backend):
    route = api.post("/texts/send").respond(200, json=ANSWER)
    message = OutboundMessage("r1", "48500100200", "Hi", media_url="https://panel.example/m/abc.png",
                              callback_token="tok-r1")
    receipt = backend.send_batch(_batch(message, callback_url=CALLBACK))
    assert sent_json(route) == {
        "from": FROM, "to": "+48500100200", "body": "Hi", "media_url": "https://panel.example/m/abc.png",
        "webhook_url": "https://panel.example/webhooks/justcall/secret-abc/tok-r1/",
    }
    assert receipt.batch_id == "msg_1"
    assert receipt.accepted == (AcceptedMessage("r1", "msg_1"),)
    assert receipt.rejected == ()


def test_without_a_token_the_bare_callback_and_without_a_callback_no_webhook():
    backend = JustCallBackend(config())
    plain = OutboundMessage("r1", "48500100200", "Hi")
    assert backend.build_payload(_batch(plain, callback_url=CALLBACK)).webhook_url == CALLBACK
    assert backend.build_payload(_batch(plain)).webhook_url is None


def test_from_and_media_from_the_options():
    backend = JustCallBackend(config(from_numbers=["+48221234567"]))
    payload = backend.build_payload(
        _batch(OutboundMessage("r1", "48500100200", "Hi"), sender=None,
               options={"from": "+48221234567", "media_url": "https://x.test/a.gif"}))
    assert (payload.from_number, payload.media_url) == ("+48221234567", "https://x.test/a.gif")


@pytest.mark.parametrize(
    ("batch_fields", "problem"),
    [
        ({"sender": None}, "needs a From number"),
        ({"sender": "+14155551234"}, "not one of the configured"),  # configured list below
    ],
)
def test_a_from_number_is_required_and_must_be_configured(batch_fields, problem):
    backend = JustCallBackend(config(from_numbers=["+48221234567"]))
    with pytest.raises(ValueError) as raised:
        backend.build_payload(_batch(**batch_fields))
    assert problem in str(raised.value)


def test_more_than_one_recipient_is_refused():
    backend = JustCallBackend(config())
    two = [OutboundMessage("r1", "48500100200", "Hi"), OutboundMessage("r2", "48500100201", "Hi")]
    with pytest.raises(ValueError):
        backend.send_batch(_batch(*two))


def test_a_body_over_the_limit_is_refused_before_the_call():
    backend = JustCallBackend(config())
    with pytest.raises(ValueError, match="1,600"):
        backend.build_payload(_batch(OutboundMessage("r1", "48500100200", "a" * 1601)))


def test_a_404_names_the_from_number(api, backend):
    api.post("/texts/send").respond(404, json={"message": "not found"})
    with pytest.raises(SmsNotFound, match=r"\+14155551234"):
        backend.send_batch(_batch())


@pytest.mark.parametrize("status", [400, 422])
def test_check_reads_the_validation_refusal_as_credentials_accepted(api, backend, status):
    route = api.post("/texts/send").respond(status, json={"message": "Missing from, to, or body"})
    assert backend.check() == "API key and secret accepted"
    assert sent_json(route) == {}  # nothing that could send


def test_check_with_bad_credentials(api, backend):
    api.post("/texts/send").respond(401)
    with pytest.raises(SmsUnauthorized):
        backend.check()


def test_no_credentials_no_client():
    backend = JustCallBackend(ProviderConfig(name="justcall", mode=Mode.LIVE, api_url=BASE_URL,
                                             credentials={"api_key": "k"}))
    with pytest.raises(SmsUnauthorized):
        backend.client()
