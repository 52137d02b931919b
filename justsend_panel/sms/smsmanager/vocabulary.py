"""SMS Manager's own words and limits, as the panel's apps may see them (through
:func:`justsend_panel.sms.registry.vocabulary`).

From the manual (JSON API v2): at most 10 recipients per request and 10 requests per
call of ``POST /v2/messages``; ``flow`` "must not be empty" if defined and its order
matters; the special tags ``priority`` and ``transactional``. The manual names the
channels only as "SMS, Viber, WhatsApp and other communication channels": :class:`Channel`
holds those three. It states no text length limit: :data:`MAX_TEXT_LENGTH` is the panel's
own cap (ten GSM-7 segments), an assumption, not the provider's rule.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

MAX_RECIPIENTS_PER_REQUEST = 10
MAX_REQUESTS_PER_CALL = 10
MAX_RECIPIENTS_PER_CALL = MAX_RECIPIENTS_PER_REQUEST * MAX_REQUESTS_PER_CALL
MAX_TEXT_LENGTH = 1530  # 10 x 153 GSM-7 characters: the panel's assumption, not in the manual


class Channel(enum.StrEnum):
    """The channels of a message flow, tried in the order given."""

    SMS = "sms"
    VIBER = "viber"
    WHATSAPP = "whatsapp"


class Tag(enum.StrEnum):
    """The manual's special tags (any other tag only groups messages; the panel offers these)."""

    PRIORITY = "priority"
    TRANSACTIONAL = "transactional"


OPTION_KEYS = frozenset({"flow", "tag"})


def validate_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The cleaned options ``{"flow": [...], "tag": "..."}`` (keys present only when set),
    or ``ValueError([problem, ...])`` listing every problem in plain English."""
    options = dict(options or {})
    problems: list[str] = []
    cleaned: dict[str, Any] = {}
    unknown = sorted(set(options) - OPTION_KEYS)
    if unknown:
        problems.append(f"Unknown SMS Manager options: {', '.join(map(str, unknown))}.")
    if "flow" in options and options["flow"] is not None:
        flow = options["flow"]
        if isinstance(flow, str) or not isinstance(flow, list | tuple):
            problems.append("The channel flow must be a list of channels.")
        elif not flow:
            problems.append("The channel flow must not be empty.")
        else:
            known = {channel.value for channel in Channel}
            bad = [str(item) for item in flow if item not in known]
            if bad:
                problems.append(f"Unknown channels: {', '.join(bad)} (known: {', '.join(c.value for c in Channel)}).")
            elif len(set(flow)) != len(flow):
                problems.append("A channel may appear in the flow only once.")
            else:
                cleaned["flow"] = [Channel(item).value for item in flow]
    tag = options.get("tag")
    if tag not in (None, ""):
        if tag not in {t.value for t in Tag}:
            problems.append(f"Unknown tag {tag!r} (known: {', '.join(t.value for t in Tag)}).")
        else:
            cleaned["tag"] = Tag(tag).value
    if problems:
        raise ValueError(problems)
    return cleaned


__all__ = [
    "MAX_RECIPIENTS_PER_CALL",
    "MAX_RECIPIENTS_PER_REQUEST",
    "MAX_REQUESTS_PER_CALL",
    "MAX_TEXT_LENGTH",
    "Channel",
    "Tag",
    "validate_options",
]
