"""Personal messages from member fields: PERSONALIZED ``{field}`` and PARAMETRIZED ``$1…$n``.

Field names: ``name``, ``surname``, ``address``, and any extra attribute by its key
(``{city}``); for PARAMETRIZED, ``attr:<key>`` names an attribute. A field that is missing
or empty is an error for that recipient, found before anything is sent: never a blank in
a delivered message. A template is compiled once and applied to a million recipients.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign

MEMBER_FIELDS = ("name", "surname", "address")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w\-]*)\}")
_PARAMETER = re.compile(r"\$(\d+)")
ATTRIBUTE_PREFIX = "attr:"


def is_field_name(key: str) -> bool:
    """Whether ``{key}`` in a PERSONALIZED message is read as a field."""
    return _PLACEHOLDER.fullmatch("{%s}" % key) is not None


class MissingField(Exception):
    """Raised per recipient; the audience pass collects these into one RenderingError."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def field_value(fields: Mapping[str, object], name: str) -> str:
    """A member field by name ("name", "city", "attr:city"); missing or empty raises."""
    key = name[len(ATTRIBUTE_PREFIX):] if name.startswith(ATTRIBUTE_PREFIX) else name
    value = fields.get(key)
    if value is None or str(value).strip() == "":
        raise MissingField(key)
    return str(value)


@dataclass(frozen=True)
class Template:
    """A PERSONALIZED template split once into literal text and field names."""

    parts: tuple[str, ...]  # literal, field, literal, field, …, literal
    fields: frozenset[str]

    def render(self, fields: Mapping[str, object]) -> str:
        parts = list(self.parts)
        for index in range(1, len(parts), 2):
            parts[index] = field_value(fields, parts[index])
        return "".join(parts)


def template_compile(text: str) -> Template:
    parts = _PLACEHOLDER.split(text)
    return Template(parts=tuple(parts), fields=frozenset(parts[1::2]))


def parameters_used(message: str) -> int:
    """The highest ``$n`` in the message: how many parameters each recipient needs."""
    return max((int(number) for number in _PARAMETER.findall(message)), default=0)


@dataclass(frozen=True)
class Renderer:
    """Turns one recipient's fields into what Justsend needs for the campaign's bulk type."""

    bulk_type: str
    template: Template | None
    parameter_fields: tuple[str, ...]

    @property
    def needs_fields(self) -> frozenset[str]:
        if self.template is not None:
            return self.template.fields
        return frozenset(
            f[len(ATTRIBUTE_PREFIX):] if f.startswith(ATTRIBUTE_PREFIX) else f
            for f in self.parameter_fields
        )

    @property
    def needs_attributes(self) -> bool:
        return bool(self.needs_fields - set(MEMBER_FIELDS))

    def content(self, fields: Mapping[str, object]) -> tuple[str, list[str] | None]:
        """(personal text, parameters); raises :class:`MissingField`."""
        if self.template is not None:
            return self.template.render(fields), None
        if self.parameter_fields:
            return "", [field_value(fields, name) for name in self.parameter_fields]
        return "", None


def renderer_for(campaign: Campaign) -> Renderer:
    """Check the campaign's template against its bulk type and build its renderer."""
    bulk_type = campaign.bulk_type
    if bulk_type == Campaign.BulkTypeChoice.PERSONALIZED:
        return Renderer(bulk_type, template_compile(campaign.message), ())
    if bulk_type == Campaign.BulkTypeChoice.PARAMETRIZED:
        used = parameters_used(campaign.message)
        fields = tuple(campaign.parameter_fields or ())
        if used > len(fields):
            raise CampaignError(
                _("The message uses $%(used)d but only %(mapped)d parameters are mapped to "
                  "member fields.") % {"used": used, "mapped": len(fields)}
            )
        return Renderer(bulk_type, None, fields[:used])
    return Renderer(bulk_type, None, ())


def message_as_sent(*, message: str, content: str = "", params: list[str] | None = None) -> str:
    """The text a recipient read: their own content, or the template with ``$n`` filled in.

    PARAMETRIZED: Justsend puts the recipient's n-th parameter where the message says ``$n``.
    """
    if content:
        return content
    if params:
        return _PARAMETER.sub(
            lambda m: params[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= len(params)
            else m.group(0),
            message,
        )
    return message


def sample_text(renderer: Renderer, message: str, content: str, params: list[str] | None) -> str:
    """The text a recipient will read, for the preview's samples."""
    if renderer.template is not None:
        return content
    return message_as_sent(message=message, params=params)
