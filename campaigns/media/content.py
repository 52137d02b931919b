"""What an uploaded file really is, read from its first bytes (its name is not trusted).

Exactly the MMS types JustCall takes (JustCall manual, "MMS Supported Media Types"): JPEG,
PNG, GIF, PDF, VCF and MP4, at most 5 MB each. No library in the venv knows a vCard (a
text format without a binary signature), and the six checks are a few bytes each, so
they are written here and each has its test.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SIZE = 5 * 1024 * 1024
# Enough for every signature below, vCard's leading byte order mark and blank lines included.
HEAD_SIZE = 64

# ISO base media file brands of an MP4 (QuickTime's "qt  " and HEIF's are not MP4).
MP4_BRANDS = frozenset({
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"M4VP", b"dash", b"mmp4", b"MSNV", b"f4v ",
})


@dataclass(frozen=True)
class MediaType:
    content_type: str
    extension: str
    inline: bool  # shown in the browser (images, video) rather than downloaded

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


JPEG = MediaType("image/jpeg", ".jpg", inline=True)
PNG = MediaType("image/png", ".png", inline=True)
GIF = MediaType("image/gif", ".gif", inline=True)
PDF = MediaType("application/pdf", ".pdf", inline=False)
VCARD = MediaType("text/vcard", ".vcf", inline=False)
MP4 = MediaType("video/mp4", ".mp4", inline=True)
MEDIA_TYPES = {kind.content_type: kind for kind in (JPEG, PNG, GIF, PDF, VCARD, MP4)}


def media_type_detect(head: bytes) -> MediaType | None:
    """The type the first bytes of a file show, or None when it is none of the six."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return MP4
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if text[:11].upper() == b"BEGIN:VCARD":
        return VCARD
    return None
