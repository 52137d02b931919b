import pytest

from justsend_panel.sms.justcall import vocabulary
from justsend_panel.sms.registry import vocabulary as provider_vocabulary


def test_the_apps_reach_it_through_the_registry():
    assert provider_vocabulary("justcall") is vocabulary


@pytest.mark.parametrize(
    ("text", "length", "limit", "segments"),
    [
        ("a" * 160, 160, 1600, 1),
        ("a" * 161, 161, 1600, 2),
        ("a" * 1600, 1600, 1600, 11),  # billed at 153 per concatenated part
        ("€" * 10, 20, 1600, 1),
        ("ż" * 70, 70, 1120, 1),
        ("ż" * 71, 71, 1120, 2),
        ("ż" * 1120, 1120, 1120, 17),
        ("😀" * 35, 70, 1120, 1),  # an emoji is two UTF-16 units
    ],
)
def test_lengths_limits_and_segments(text, length, limit, segments):
    assert vocabulary.text_length(text) == length
    assert vocabulary.max_length(text) == limit
    assert vocabulary.segments(text) == segments


def test_the_manual_s_limits():
    assert (vocabulary.MAX_GSM7_LENGTH, vocabulary.MAX_GSM7_SEGMENTS) == (1600, 10)
    assert (vocabulary.MAX_UNICODE_LENGTH, vocabulary.MAX_UNICODE_SEGMENTS) == (1120, 16)
    assert vocabulary.MAX_MEDIA_BYTES == 5 * 1024 * 1024


def test_text_problems():
    assert vocabulary.text_problems("a" * 1600) == []
    assert vocabulary.text_problems("ż" * 1120) == []
    assert "1,600 GSM-7" in vocabulary.text_problems("a" * 1601)[0]
    assert "1,120 Unicode" in vocabulary.text_problems("ż" * 1121)[0]
    assert vocabulary.text_problems("")


def test_options_are_validated_against_the_configured_numbers():
    numbers = ["+14155551234", "+48221234567"]
    assert vocabulary.validate_options({"from": "+48221234567", "media_url": "https://x.test/a.png"},
                                       from_numbers=numbers) == {
        "from": "+48221234567", "media_url": "https://x.test/a.png"}
    assert vocabulary.validate_options({}) == {}
    with pytest.raises(ValueError) as raised:
        vocabulary.validate_options({"from": "+48600000000", "media_url": "file:///etc/passwd", "tag": "x"},
                                    from_numbers=numbers)
    problems = raised.value.args[0]
    assert len(problems) == 3
    assert any("+48600000000 is not one of the configured" in p for p in problems)
    assert any("media URL" in p for p in problems)
    assert any("Unknown JustCall options: tag" in p for p in problems)
    with pytest.raises(ValueError, match="E.164"):
        vocabulary.validate_options({"from": "4822"})


def test_e164():
    assert vocabulary.to_e164("48500100200") == "+48500100200"
    assert vocabulary.to_e164("+14155559876") == "+14155559876"
    with pytest.raises(ValueError):
        vocabulary.to_e164("0500100200")
