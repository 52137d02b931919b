"""Per-recipient callback tokens (campaigns.deliveries.tokens): signed, not stored."""

import pytest

from campaigns.deliveries.tokens import (
    CallbackSubject,
    callback_token_make,
    callback_token_public,
    callback_token_read,
    recipient_pk_from_reference,
)

SECRET = "justcall-token-secret-0123456789"


def test_a_token_names_its_row_and_reads_back(settings):
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    token = callback_token_make(provider="justcall", kind="r", pk=4711)
    subject, signature = token.split(".")
    assert subject == "r4711" and len(signature) == 22  # 128 bits, URL-safe, no padding
    assert set(signature) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert callback_token_read(token, provider="justcall") == CallbackSubject("r", 4711)
    assert callback_token_read(callback_token_make(provider="justcall", kind="m", pk=3),
                               provider="justcall") == CallbackSubject("m", 3)


def test_a_forged_or_altered_token_is_refused(settings):
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    token = callback_token_make(provider="justcall", kind="r", pk=4711)
    signature = token.split(".")[1]
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    for forged in (f"r4712.{signature}", f"m4711.{signature}", f"r4711.{flipped}",
                   token[:-1], token + "A", "r4711", "", "r0.AAAAAAAAAAAAAAAAAAAAAA",
                   f"r4711.{signature}/../x"):
        assert callback_token_read(forged, provider="justcall") is None, forged


def test_a_token_of_another_secret_is_refused(settings):
    settings.JUSTCALL_WEBHOOK_SECRET = SECRET
    other = callback_token_make(provider="justcall", kind="r", pk=4711, secret="another-secret")
    assert callback_token_read(other, provider="justcall") is None
    settings.JUSTCALL_WEBHOOK_SECRET = "another-secret"
    assert callback_token_read(other, provider="justcall") == CallbackSubject("r", 4711)


def test_no_secret_no_token(settings):
    settings.JUSTCALL_WEBHOOK_SECRET = ""
    assert callback_token_make(provider="justcall", kind="r", pk=1) is None
    assert callback_token_read("r1.AAAAAAAAAAAAAAAAAAAAAA", provider="justcall") is None
    with pytest.raises(ValueError):
        callback_token_make(provider="justcall", kind="x", pk=1, secret=SECRET)


def test_what_a_log_line_and_the_applier_see_of_a_token():
    assert callback_token_public("r4711.SECRETPARTxxxxxxxxxxxx") == "r4711"
    assert recipient_pk_from_reference("r4711") == 4711
    assert recipient_pk_from_reference("4711") == 4711  # SMS Manager echoes the pk itself
    assert recipient_pk_from_reference("m4711") is None
    assert recipient_pk_from_reference(None) is None
