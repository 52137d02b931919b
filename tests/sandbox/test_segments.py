import pytest

from justsend_panel.sandbox.segments import count_segments, encoding_of


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair is not split across parts
        ("a" * 152 + "[" + "a" * 154, 3),
        ("ą" * 70, 1),
        ("ą" * 71, 2),
        ("ą" * 134, 2),
        ("ą" * 135, 3),
        ("😀" * 35, 1),  # surrogate pairs: 70 UTF-16 units
        ("😀" * 36, 2),
        ("Zażółć" + "a" * 64, 1),
        ("Zażółć" + "a" * 65, 2),
        ("\f" * 81, 2),
    ],
)
def test_count_segments(text, segments):
    assert count_segments(text) == segments


def test_encoding():
    assert encoding_of("Hello {there} €") == "GSM7"
    assert encoding_of("Cześć") == "UCS2"
