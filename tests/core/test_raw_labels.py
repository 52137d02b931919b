"""Every raw Justsend value a person reads has a label in English and in Polish, other
than the raw value; pages keep the raw value in a tooltip."""

import pytest
from django.utils import translation

from billing.filters import TransactionFilterForm
from billing.labels import PAYMENT_METHODS, PAYMENT_PROVIDERS, TRANSACTION_STATUSES, TRANSACTION_TYPES, UPLOAD_STATUSES
from campaigns.labels import BULK_STATUSES, DELIVERY_OUTCOMES, KNOWN_OPERATORS, MESSAGE_STATUSES, OPERATORS
from justsend_panel.sandbox import bulks as sandbox_bulks
from justsend_panel.sandbox import config as sandbox_config
from justsend_panel.sms.justsend.types import (
    BulkStatus,
    DeliveryStatus,
    PaymentMethod,
    PaymentProvider,
    TransactionStatus,
)

# Company names read the same in every language.
PROPER_NAMES = {"PAYU", "DVP", "JUSTSEND", "P24", "BLIK"}

VOCABULARIES = [
    ("delivery outcome", DELIVERY_OUTCOMES, [s.value for s in DeliveryStatus]),
    ("bulk status", BULK_STATUSES, [s.value for s in BulkStatus]),
    ("message status", MESSAGE_STATUSES, list(sandbox_bulks.ACK_STATUS.values())),
    ("operator", OPERATORS, list(KNOWN_OPERATORS)),
    ("transaction type", TRANSACTION_TYPES, ["CHARGE", "BULK_PAYMENT", "SINGLE_MESSAGE_PAYMENT", "BULK_REFUND"]),
    ("transaction status", TRANSACTION_STATUSES, [s.value for s in TransactionStatus]),
    ("payment provider", PAYMENT_PROVIDERS, [p.value for p in PaymentProvider]),
    ("payment method", PAYMENT_METHODS, [m.value for m in PaymentMethod]),
    ("upload status", UPLOAD_STATUSES, ["SUCCESS", "ERROR"]),
]
CASES = [(kind, labels, raw) for kind, labels, values in VOCABULARIES for raw in values]


@pytest.mark.parametrize(("kind", "labels", "raw"), CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_each_raw_value_has_an_english_and_a_polish_label(kind, labels, raw):
    with translation.override("en"):
        english = labels.label(raw)
    with translation.override("pl"):
        polish = labels.label(raw)
    assert english and polish
    if raw in PROPER_NAMES:
        return
    assert english != raw and polish != raw
    assert polish != english, f"{kind} {raw}: no Polish translation of {english!r}"


def test_the_sandbox_delivery_mix_and_operators_are_covered():
    assert set(sandbox_config.DEFAULT_DELIVERY_MIX) <= set(DELIVERY_OUTCOMES)
    with translation.override("pl"):
        assert OPERATORS.label("POLAND_ORANGE") == "Orange (Polska)"
        assert OPERATORS.label("POLAND_T_MOBILE") == "T-Mobile (Polska)"
    with translation.override("en"):
        assert OPERATORS.label("POLAND_ORANGE") == "Orange (Poland)"
        assert OPERATORS.label("GERMANY_VODAFONE") == "Vodafone (Germany)"


def test_a_label_keeps_the_raw_value_in_its_tooltip():
    with translation.override("en"):
        html = DELIVERY_OUTCOMES.html("MESSAGE_DELIVERED")
    assert html == '<span title="MESSAGE_DELIVERED" data-raw="MESSAGE_DELIVERED">Delivered</span>'
    assert DELIVERY_OUTCOMES.html("") == "—"


@pytest.mark.parametrize(("field", "labels"), [
    ("provider", PAYMENT_PROVIDERS), ("method", PAYMENT_METHODS), ("status", TRANSACTION_STATUSES)])
def test_transaction_filter_choices_are_labelled_in_the_requests_language(field, labels):
    choices = {}
    for language in ("en", "pl"):
        with translation.override(language):
            form = TransactionFilterForm()
            choices[language] = [(value, str(label)) for value, label in form.fields[field].choices if value]
    for (value, english), (_value, polish) in zip(choices["en"], choices["pl"], strict=True):
        with translation.override("en"):
            assert english == labels.label(value)
        if value not in PROPER_NAMES:
            assert polish != english, (field, value)


def test_the_campaign_page_filters_label_justsends_bulk_status():
    from django.template import Context, Template

    with translation.override("en"):
        html = Template('{% load campaign_labels %}{{ status|bulk_status_label }}|{{ op|operator_label }}').render(
            Context({"status": "FINISHED", "op": "POLAND_PLAY"}))
    assert html == ('<span title="FINISHED" data-raw="FINISHED">Finished</span>|'
                    '<span title="POLAND_PLAY" data-raw="POLAND_PLAY">Play (Poland)</span>')
