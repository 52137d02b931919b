"""Justsend's vocabulary: what the apps see of Justsend, and nothing Justsend left in sms/types.py."""

import ast
import inspect

from justsend_panel.sms import types as neutral
from justsend_panel.sms.justsend import rules, types, webhooks
from justsend_panel.sms.justsend.client import JustsendClient
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
JUSTSEND_TYPES = [
    node.name for node in ast.parse(inspect.getsource(types)).body if isinstance(node, ast.ClassDef)
]


def test_the_vocabulary_hands_out_the_provider_package_objects_themselves():
    # The same objects, not copies: an enum member from an app equals the client's.
    assert JS.BulkVariant is types.BulkVariant
    assert JS.rules is rules
    assert JS.parse_postback is webhooks.parse_postback
    assert JS.secret_matches is webhooks.secret_matches
    assert JS.JustsendClient is JustsendClient
    assert JS.COUNTRY_CHOICES is rules.COUNTRY_CHOICES


def test_every_justsend_type_is_in_the_vocabulary_and_every_export_resolves():
    assert len(JUSTSEND_TYPES) > 30
    assert set(JUSTSEND_TYPES) <= set(JS.__all__)
    for name in JS.__all__:
        assert getattr(JS, name) is not None, name


def test_sms_types_keeps_only_the_provider_neutral_types():
    left_behind = [name for name in JUSTSEND_TYPES if hasattr(neutral, name)]
    assert left_behind == []
    for name in ("MessageState", "OutboundBatch", "SendReceipt", "StatusEvent", "Balance", "Page", "Money"):
        assert hasattr(neutral, name), name
