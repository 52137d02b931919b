"""Columns -> member fields: the mapping a user chooses, and one row read through it.

A mapping is stored on the import as ``{"<column index>": target}``, target being
``msisdn``, ``name``, ``surname``, ``address``, ``attr:<key>`` (an extra attribute,
usable as a personalisation field ``{key}`` in campaigns) or ``""`` (ignored).
"""

import re
from dataclasses import dataclass
from json.encoder import encode_basestring

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.imports.csvfile import HEADER_FIELDS, FileFormat, header_key, looks_like_number
from contacts.imports.upsert import StagedRow
from contacts.models import Group, Member
from contacts.phones import default_region, msisdn_fast, msisdn_fast_for, msisdn_parse
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
rules = JS.rules

ATTRIBUTE = "attr"
ATTRIBUTE_PREFIX = "attr:"
ATTRIBUTE_KEY = re.compile(r"[a-z_][a-z0-9_]{0,49}")
TARGET_CHOICES = [
    ("", gettext_lazy("— ignore —")),
    ("msisdn", gettext_lazy("Phone number")),
    ("name", gettext_lazy("Name")),
    ("surname", gettext_lazy("Surname")),
    ("address", gettext_lazy("Address")),
    (ATTRIBUTE, gettext_lazy("Extra attribute")),
]
FIELD_LIMITS = {
    name: Member._meta.get_field(name).max_length for name in ("name", "surname", "address")
}


@dataclass(frozen=True)
class ColumnMap:
    msisdn: int
    name: int | None = None
    surname: int | None = None
    address: int | None = None
    # (JSON-encoded key, column index) of each extra attribute
    attributes: tuple[tuple[str, int], ...] = ()
    region: str = "PL"
    # The calling code every number must start with (a LOCAL group: Poland's), or None.
    calling_code: str | None = None


def attribute_key_suggest(header: str) -> str:
    key = slugify(header).replace("-", "_")
    if not key or not key[0].isalpha():
        key = f"col_{key}" if key else "extra"
    return key[:50]


def mapping_guess(file_format: FileFormat) -> dict[str, str]:
    """Header names decide; without a header, the column full of phone numbers."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, title in enumerate(file_format.header):
        target = HEADER_FIELDS.get(header_key(title), "")
        if target and target not in used:
            mapping[str(index)] = target
            used.add(target)
        elif title.strip():
            mapping[str(index)] = ATTRIBUTE_PREFIX + attribute_key_suggest(title)
    if "msisdn" not in used:
        scores = [0] * file_format.columns
        for row in file_format.data_rows:
            for index, cell in enumerate(row):
                if looks_like_number(cell):
                    scores[index] += 1
        if scores and max(scores) > 0:
            mapping[str(scores.index(max(scores)))] = "msisdn"
    return mapping


def column_map_build(mapping: dict[str, str], *, group: Group | None = None) -> ColumnMap:
    """Check a mapping and turn it into column indexes; ApplicationError says what is wrong.

    With ``group``, a LOCAL group's rows with a foreign number are flagged as invalid.
    """
    fields: dict[str, int] = {}
    attributes: dict[str, int] = {}
    for column, target in sorted(mapping.items(), key=lambda item: int(item[0])):
        index = int(column)
        if not target:
            continue
        if target.startswith(ATTRIBUTE_PREFIX):
            key = target.removeprefix(ATTRIBUTE_PREFIX)
            if not ATTRIBUTE_KEY.fullmatch(key):
                raise ApplicationError(
                    _("“%(key)s” cannot name an attribute: use lower-case letters, digits and"
                      " _, starting with a letter (at most 50).") % {"key": key}
                )
            if key in attributes:
                raise ApplicationError(
                    _("Two columns are mapped to the attribute “%(key)s”.") % {"key": key}
                )
            attributes[key] = index
        elif target in ("msisdn", "name", "surname", "address"):
            if target in fields:
                raise ApplicationError(
                    _("Only one column can be mapped to %(field)s.")
                    % {"field": dict(TARGET_CHOICES)[target]}
                )
            fields[target] = index
        else:
            raise ApplicationError(_("Unknown column target “%(target)s”.") % {"target": target})
    if "msisdn" not in fields:
        raise ApplicationError(_("Choose the column that holds the phone numbers."))
    return ColumnMap(
        **fields,
        attributes=tuple((encode_basestring(key), index) for key, index in attributes.items()),
        region=default_region(),
        calling_code=rules.CALLING_CODES[rules.HOME_COUNTRY]
        if group is not None and group.group_type == Group.Type.LOCAL else None,
    )


def _foreign_in_local_group(raw: str) -> str:
    return _("“%(number)s” is not a Polish number; a local group takes Polish numbers only "
             "(import it into an international group).") % {"number": raw}


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _attributes_json(cells: list[str], attributes: tuple[tuple[str, int], ...]) -> str:
    # json.dumps costs ~15 µs a call; a flat object of strings needs only the escaping.
    pairs = [
        f"{key}:{encode_basestring(value)}"
        for key, index in attributes
        if index < len(cells) and (value := cells[index].strip())
    ]
    return "{" + ",".join(pairs) + "}"


def _attributes_encoder(attributes: tuple[tuple[str, int], ...]):
    """``_attributes_json`` as a one-argument function for rows that hold every mapped
    column; the common single attribute without the list and the join (a third of the
    time)."""
    if not attributes:
        return lambda cells: "{}"
    if len(attributes) == 1:
        ((key, index),) = attributes
        head = "{" + key + ":"

        def one(cells: list[str]) -> str:
            value = cells[index].strip()
            return head + encode_basestring(value) + "}" if value else "{}"

        return one
    return lambda cells: _attributes_json(cells, attributes)


def row_member(cells: list[str], columns: ColumnMap) -> StagedRow | str:
    """The member a row describes, or why it cannot be one (a message for the user)."""
    raw = _cell(cells, columns.msisdn)
    if not raw:
        return _("The phone number is empty.")
    msisdn = msisdn_fast(raw, region=columns.region)
    if msisdn is None:
        parsed = msisdn_parse(raw, region=columns.region)
        if parsed.msisdn is None:
            return parsed.error
        if not parsed.sms_capable:
            return _("“%(number)s” is a landline or a service number; it cannot receive SMS.") % {
                "number": raw
            }
        msisdn = parsed.msisdn
    if columns.calling_code is not None and not msisdn.startswith(columns.calling_code):
        return _foreign_in_local_group(raw)
    name, surname, address = (
        _cell(cells, columns.name), _cell(cells, columns.surname), _cell(cells, columns.address)
    )
    if len(name) > FIELD_LIMITS["name"] or len(surname) > FIELD_LIMITS["surname"] or (
        len(address) > FIELD_LIMITS["address"]
    ):
        return _("The name, surname or address is too long (limits: %(limits)s characters).") % {
            "limits": "/".join(str(limit) for limit in FIELD_LIMITS.values())
        }
    return (
        msisdn, name, surname, address,
        _attributes_json(cells, columns.attributes) if columns.attributes else "{}",
    )


def rows_members(reader, columns: ColumnMap, *, first_row: int) -> dict:
    """Members of every row ``reader`` gives (a list of cells, or the message of a row that
    could not be read), numbered from ``first_row``.

    `row_member` for each row, with the common case done inline: a number the fast path
    recognises and short text fields cost a few attribute look-ups, not function calls.
    Returns members by number (the first row of a number wins) and where each came from
    (``sources``: number -> (row, cells as read)), the invalid rows ``[row, cells,
    message]``, the rows that repeat a number ``[row, cells, row they repeat]`` and the
    count of non-blank rows.
    """
    members: dict[str, tuple] = {}
    sources: dict[str, tuple[int, tuple[str, ...]]] = {}
    errors: list[list] = []
    repeated: list[list] = []
    rows = 0
    number = first_row - 1
    msisdn_index = columns.msisdn
    name_index, surname_index, address_index = columns.name, columns.surname, columns.address
    attributes = columns.attributes
    # Rows this wide hold every mapped column: no bounds check per cell.
    width = 1 + max(
        index for index in (msisdn_index, name_index, surname_index, address_index,
                            *(i for _key, i in attributes))
        if index is not None
    )
    limit_name, limit_surname, limit_address = (
        FIELD_LIMITS["name"], FIELD_LIMITS["surname"], FIELD_LIMITS["address"]
    )
    fast = msisdn_fast_for(columns.region) or (lambda raw: None)
    if columns.calling_code is not None and columns.calling_code != rules.CALLING_CODES.get(
            rules.country_for_region(columns.region)):
        # The fast path gives numbers of the default region only: where that is not the
        # group's country, every row takes the checked way through row_member.
        fast = lambda raw: None  # noqa: E731
    attributes_json = _attributes_encoder(attributes)
    for cells in reader:
        number += 1
        if cells.__class__ is str:
            member = cells  # unreadable: the message
            cells = None
        elif len(cells) < width:
            if not "".join(cells).strip():
                continue  # a blank row is no row
            member = row_member(cells, columns)
        else:
            raw = cells[msisdn_index].strip()
            msisdn = fast(raw) if raw else None
            if msisdn is None:
                if not raw and not "".join(cells).strip():
                    continue
                member = row_member(cells, columns)
            else:
                name = cells[name_index].strip() if name_index is not None else ""
                surname = cells[surname_index].strip() if surname_index is not None else ""
                address = cells[address_index].strip() if address_index is not None else ""
                if (len(name) > limit_name or len(surname) > limit_surname
                        or len(address) > limit_address):
                    member = row_member(cells, columns)  # the message
                else:
                    member = (msisdn, name, surname, address, attributes_json(cells))
        rows += 1
        if isinstance(member, str):
            errors.append([number, cells or [], member])
        elif (first := sources.get(member[0])) is not None:
            repeated.append([number, cells, first[0]])
        else:
            members[member[0]] = member
            # A tuple of strings: the garbage collector stops tracking it after its first
            # pass, where 50,000 kept lists made every collection walk them all (the
            # parse ran at a third of its speed).
            sources[member[0]] = (number, tuple(cells))
    return {"members": members, "sources": sources, "errors": errors, "repeated": repeated,
            "rows": rows, "duplicates": len(repeated)}
