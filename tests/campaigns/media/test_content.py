import pytest

from campaigns.media.content import media_type_detect
from tests.campaigns.media.conftest import EXE, SAMPLES


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_each_accepted_type_is_told_by_its_bytes(content_type):
    _, data = SAMPLES[content_type]
    assert media_type_detect(data[:64]).content_type == content_type


@pytest.mark.parametrize("data", [
    EXE,
    b"",
    b"hello, plain text",
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    b"<html><script>alert(1)</script></html>",
    b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",  # QuickTime, not MP4
    b"RIFF\x24\x00\x00\x00WEBPVP8 ",  # WebP: JustCall does not take it
    b"PK\x03\x04" + b"\x00" * 30,  # a zip (docx, apk…)
])
def test_anything_else_is_refused(data):
    assert media_type_detect(data) is None
