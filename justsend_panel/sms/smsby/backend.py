"""SMS.by behind the provider interface (see :mod:`justsend_panel.sms.base`).

A call is one ``sendBulkSms`` with one mailing of at most ``mailing_size`` recipients
(``ProviderConfig.options["mailing_size"]``, default 1,000): ``bulk`` when every recipient
gets the same text, else ``personal``. The mailing's ``name`` is the call's reference, so a
call whose answer was lost is found again by name in ``getSMSMessages``
(``find_batch_by_reference=True``). SMS.by pushes no delivery status: the panel polls.

A batch id is the ``uuid`` of ``sendBulkSms`` (polled with ``statusBulkSms``), or, for a
mailing found again by its name, ``mailing:<id>`` (polled with ``getSmsDeliveryList``, since
``getSMSMessages`` names no uuid). Statuses name the recipient by phone and ``delivery_id``,
not by the panel's reference: the apps match them by number within the call.
"""

from __future__ import annotations

from collections.abc import Sequence

from justsend_panel.sms.base import Backend, Capabilities
from justsend_panel.sms.exceptions import SmsApiError, SmsUnauthorized
from justsend_panel.sms.smsby.client import SmsByClient
from justsend_panel.sms.smsby.vocabulary import (
    DEFAULT_MAILING_SIZE,
    MAX_MAILING_SIZE,
    MessageType,
    validate_options,
)
from justsend_panel.sms.smsby.wire import BulkAnswer, Delivery, Mailing, SmsAnswer
from justsend_panel.sms.types import (
    AcceptedMessage,
    BatchFigures,
    OutboundBatch,
    OutboundMessage,
    SendReceipt,
    StatusEvent,
)

PROVIDER = "smsby"
RECOVERED_PREFIX = "mailing:"
DELIVERY_PAGE = 1000


def _event(delivery: Delivery) -> StatusEvent:
    return StatusEvent(provider=PROVIDER, state=delivery.state, raw_status=delivery.status,
                       message_id=delivery.delivery_id, msisdn=delivery.phone, occurred_at=delivery.time,
                       raw=delivery.raw)


def _with_alphaname(batch: OutboundBatch, what: str) -> tuple[dict, int]:
    """The batch's options checked, and its alpha name id: from the options, else the sender."""
    options = validate_options(batch.options)
    alphaname_id = options.get("alphaname_id")
    if alphaname_id is None and batch.sender:
        alphaname_id = validate_options({"alphaname_id": batch.sender})["alphaname_id"]
    if alphaname_id is None:
        raise ValueError(f"An SMS.by {what} needs an alpha name id (the provider's default sender).")
    return options, alphaname_id


def _single_receipt(reference: str, answer: SmsAnswer) -> SendReceipt:
    return SendReceipt(batch_id=answer.sms_id, accepted=(AcceptedMessage(reference, answer.sms_id),),
                       raw=answer.raw, cost=answer.cost, parts=answer.parts)


class SmsByBackend(Backend):
    name = "smsby"
    label = "SMS.by"
    capabilities = Capabilities(
        max_recipients_per_call=MAX_MAILING_SIZE,
        personalised_batch=True,  # message_type "personal"
        # schedule_time's time zone is not documented: the panel keeps a campaign until due.
        scheduling=False,
        find_batch_by_reference=True,  # the mailing's name, in getSMSMessages
        delivery_polling=True,  # statusBulkSms; no push is documented
        channels=True,  # Viber forwarding, Telegram/WhatsApp verification codes
        verification_codes=True,  # sendOtpTelegram, sendOtpWhatsApp
        message_status_polling=True,  # checkSMS
    )
    default_rate_limit = 5.0  # the manual names no limit, only 429

    _client: SmsByClient | None = None

    @property
    def mailing_size(self) -> int:
        size = int(self.config.options.get("mailing_size") or DEFAULT_MAILING_SIZE)
        if not 1 <= size <= MAX_MAILING_SIZE:
            raise ValueError(f"An SMS.by mailing holds 1 to {MAX_MAILING_SIZE} recipients, configured {size}.")
        return size

    def client(self) -> SmsByClient:
        if self._client is None:
            token = self.config.credentials.get("token", "")
            if not token:
                raise SmsUnauthorized("No SMS.by token is configured.")
            self._client = SmsByClient(self.config.api_url, token, timeout=self.config.timeout,
                                       transport=self.transport)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- sending ------------------------------------------------------------------------
    def plan_calls(self, messages: Sequence[OutboundMessage]) -> list[list[OutboundMessage]]:
        size = self.mailing_size
        return [list(messages[i : i + size]) for i in range(0, len(messages), size)]

    def build_payload(self, batch: OutboundBatch) -> tuple[Mailing, str]:
        if len(batch.messages) > self.mailing_size:
            raise ValueError(f"An SMS.by mailing holds at most {self.mailing_size} recipients: split it with plan_calls().")
        if batch.scheduled_at is not None:
            raise ValueError("SMS.by's schedule_time has no documented time zone: the panel submits at the due time.")
        _options, alphaname_id = _with_alphaname(batch, "mailing")
        texts = {message.text for message in batch.messages}
        if len(texts) == 1:
            mailing = Mailing(name=batch.reference, alphaname_id=alphaname_id, message_type=MessageType.BULK,
                              phones=[m.to for m in batch.messages], text=texts.pop())
        else:
            mailing = Mailing(name=batch.reference, alphaname_id=alphaname_id, message_type=MessageType.PERSONAL,
                              personal=[(m.to, m.text) for m in batch.messages])
        return mailing, batch.callback_url or ""

    def post_payload(self, payload: tuple[Mailing, str]) -> BulkAnswer:
        mailing, callback_url = payload
        return self.client().send_bulk_sms([mailing], callback_url=callback_url)

    def parse_receipt(self, batch: OutboundBatch, answer: BulkAnswer) -> SendReceipt:
        """Every recipient accepted under the mailing's uuid: the answer names no one, and a
        number SMS.by refuses shows in its status later."""
        return SendReceipt(
            batch_id=answer.uuid,
            accepted=tuple(AcceptedMessage(message.reference, None) for message in batch.messages),
            raw=answer.raw,
        )

    def send_message(self, batch: OutboundBatch) -> SendReceipt:
        """``sendQuickSMS`` with ``show_cost`` (the cost SMS.by reports comes back in the
        receipt) and, with ``forwarding_message`` in the options, Viber forwarding."""
        if len(batch.messages) != 1:
            raise ValueError("sendQuickSMS takes one number: send a single message at a time.")
        options, alphaname_id = _with_alphaname(batch, "message")
        message = batch.messages[0]
        answer = self.client().send_quick_sms(
            message.to, message.text, alphaname_id, show_cost=True,
            forwarding_message=options.get("forwarding_message", False),
            forwarding_time=options.get("forwarding_time"), vibername_id=options.get("vibername_id"),
        )
        return _single_receipt(message.reference, answer)

    def send_verification_code(self, *, reference: str, to: str, code: str, channel: str) -> SendReceipt:
        """``sendOtpTelegram`` / ``sendOtpWhatsApp`` (``channel`` ``telegram``/``whatsapp``)."""
        return _single_receipt(reference, self.client().send_otp(channel, to, code))

    def message_status(self, message_id: str) -> StatusEvent:
        """``checkSMS``: queued, sent or delivered (the manual documents only the ``sent`` and
        ``delivered`` times, so an undelivered message stays sent), and the channel when SMS.by
        names it."""
        check = self.client().check_sms(int(message_id))
        state = check.state
        return StatusEvent(provider=PROVIDER, state=state, raw_status=state.value, message_id=check.sms_id,
                           occurred_at=check.delivered_at or check.sent_at, channel=check.channel,
                           raw=check.raw if isinstance(check.raw, dict) else {})

    # --- after the send -----------------------------------------------------------------
    def find_batch(self, reference: str) -> str | None:
        """``mailing:<id>`` of the API mailing named ``reference``, or ``None``."""
        for mailing in self.client().get_sms_messages(type="API"):
            if mailing.name == reference:
                return f"{RECOVERED_PREFIX}{mailing.id}"
        return None

    def batch_figures(self, references: Sequence[str]) -> list[BatchFigures]:
        """``cost`` and ``parts`` of the API mailings named by ``references``, from one
        ``getSMSMessages`` (``sendBulkSms`` and ``statusBulkSms`` name neither)."""
        wanted = set(references)
        return [BatchFigures(reference=mailing.name, batch_id=f"{RECOVERED_PREFIX}{mailing.id}",
                             cost=mailing.cost, parts=mailing.parts)
                for mailing in self.client().get_sms_messages(type="API") if mailing.name in wanted]

    def poll_statuses(self, batch_id: str) -> Sequence[StatusEvent]:
        if batch_id.startswith(RECOVERED_PREFIX):
            message_id = int(batch_id.removeprefix(RECOVERED_PREFIX))
            events, offset = [], 0
            while True:
                page = self.client().get_sms_delivery_list(message_id, limit_offset=offset, limit_rows=DELIVERY_PAGE)
                events.extend(_event(delivery) for delivery in page)
                if len(page) < DELIVERY_PAGE:
                    return events
                offset += DELIVERY_PAGE
        return [_event(d) for mailing in self.client().status_bulk_sms(batch_id) for d in mailing.deliveries]

    # --- account ------------------------------------------------------------------------
    def check(self) -> str:
        """``getMessagesList`` of one row: authenticated, sends nothing, reads almost nothing.
        The manual names no 401: a token SMS.by refuses with 400 is reported as such."""
        try:
            self.client().get_messages_list(limit_offset=0, limit_rows=1)
        except SmsApiError as error:
            raise SmsUnauthorized(f"SMS.by refused the token: {error.message}", status=error.status,
                                  body=error.body) from error
        return "token accepted"
