"""Readable, translated labels for the raw values a provider sends (``MESSAGE_DELIVERED``,
``POLAND_ORANGE``, ``BULK_PAYMENT``). Pages show the label with the raw value in a
``title`` tooltip; exports keep the raw value."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.html import format_html

EMPTY = "—"


class RawLabels:
    """One provider vocabulary: known values by their label; others through ``fallback``
    (by default the raw value, words capitalised: ``NEW_THING`` -> "New thing")."""

    def __init__(self, labels: Mapping[str, object], fallback: Callable[[str], str] | None = None):
        self.labels = dict(labels)
        self.fallback = fallback or humanised

    def __contains__(self, raw) -> bool:
        return str(raw) in self.labels

    def __iter__(self):
        return iter(self.labels)

    def label(self, raw) -> str:
        if raw is None or raw == "":
            return EMPTY
        raw = str(raw)
        known = self.labels.get(raw.upper(), self.labels.get(raw))
        return str(known) if known is not None else self.fallback(raw)

    def html(self, raw) -> str:
        """The label, with the raw value a tooltip away."""
        if raw is None or raw == "":
            return EMPTY
        return format_html('<span title="{}" data-raw="{}">{}</span>', raw, raw, self.label(raw))

    def choices(self, values) -> list[tuple[str, object]]:
        """Form choices; known labels stay lazy, so a form built at import speaks the request's language."""
        return [(str(value), self.labels.get(str(value)) or self.fallback(str(value))) for value in values]


def humanised(raw: str) -> str:
    text = str(raw).replace("_", " ").strip().lower()
    return text[:1].upper() + text[1:]
