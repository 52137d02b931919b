import struct
import zlib

import pytest

from tests.factories.users import UserFactory
from justsend_panel.core.roles import VIEWER


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, viewable PNG (red pixels), so the browser shows a thumbnail."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# The first bytes of each accepted type, as real files of that type begin.
SAMPLES = {
    "image/jpeg": ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 40),
    "image/png": ("logo.png", png_bytes()),
    "image/gif": ("anim.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20 + b";"),
    "application/pdf": ("invoice.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "text/vcard": ("card.vcf", b"\xef\xbb\xbf\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\nEND:VCARD\r\n"),
    "video/mp4": ("clip.mp4", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
                              + b"\x00" * 32),
}
# What a Windows program begins with: "MZ", then the DOS stub.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PANEL_PUBLIC_URL = "https://panel.example.com"
    return settings.MEDIA_ROOT


@pytest.fixture
def viewer_client(client, db):
    client.force_login(UserFactory(username="watcher", role=VIEWER))
    return client
