"""Who a campaign goes to: groups, pasted numbers and an uploaded CSV, minus what must not.

Numbers pass these steps in order, each counted: invalid (not a phone number) -> outside
the variant's country (abroad for a domestic variant, not in the chosen country for INTER:
Justsend would leave it out and it would never get a status) -> duplicate -> in an
excluded group -> blacklisted. Exclusion
applies to every source: a person in an excluded group never gets the message.

Two consumers, one candidate stream (:func:`audience_candidates`):

* :func:`audience_prepare` (the worker, at submission): writes ``Recipient`` rows in
  batches; the database removes duplicates (unique campaign + msisdn) and, in one
  statement each, the excluded and the blacklisted numbers. Memory stays flat however
  large the audience; the blacklist is applied again on every submission attempt.
* :func:`audience_summary` (the preview): counts and samples without writing anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import segments
from campaigns.exceptions import AudienceError, RenderingError
from campaigns.models import Campaign, Recipient
from campaigns.services.rendering import (
    MEMBER_FIELDS,
    MissingField,
    Renderer,
    renderer_for,
    sample_text,
)
from campaigns.services.state import campaign_update_fields
from contacts.models import BlacklistEntry, Member
from contacts.phones import msisdn_parse, numbers_split
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
rules = JS.rules

BATCH_SIZE = 5000
SQLITE_CACHE_KIB = 32 * 1024
ANALYZE_AFTER = 50000
SAMPLE_SIZE = 5
MISSING_SHOWN = 20


class Removed(StrEnum):
    INVALID = "invalid"
    OUTSIDE_COUNTRY = "outside_country"
    DUPLICATE = "duplicate"
    EXCLUDED = "excluded"
    BLACKLISTED = "blacklisted"


@dataclass(frozen=True, slots=True)
class Candidate:
    raw: str
    msisdn: str | None
    fields: dict
    error: str | None = None
    # A valid number the variant cannot reach (see rules.audience_calling_code).
    outside: bool = False


@dataclass(frozen=True, slots=True)
class SampleMessage:
    msisdn: str
    text: str
    segments: int
    encoding: str


@dataclass
class AudienceSummary:
    """What the preview shows; ``recipients`` is what would be sent right now."""

    candidates: int = 0
    invalid: int = 0
    outside_country: int = 0
    duplicates: int = 0
    excluded: int = 0
    blacklisted: int = 0
    recipients: int = 0
    total_segments: int = 0  # the sum over recipients: what is billed (VOICE: calls)
    max_segments: int = 0
    samples: list[SampleMessage] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (msisdn, field), first few
    missing_count: int = 0

    @property
    def segments_per_message(self) -> float:
        return round(self.total_segments / self.recipients, 2) if self.recipients else 0.0

    @property
    def can_send(self) -> bool:
        return self.recipients > 0 and not self.missing_count


# --- sources ---------------------------------------------------------------------------


def _member_candidates(group_ids: list[int], renderer: Renderer) -> Iterator[Candidate]:
    """Members are stored normalised: no phone parsing, one dict per row, nothing else."""
    if not group_ids:
        return
    columns = ["msisdn", "name", "surname", "address"]
    if renderer.needs_attributes:
        columns.append("attributes")
    rows = (
        Member.objects.filter(group_id__in=group_ids)
        .order_by("pk")
        .values_list(*columns)
        .iterator(chunk_size=BATCH_SIZE)
    )
    for row in rows:
        fields = {"name": row[1], "surname": row[2], "address": row[3]}
        if len(row) > 4 and row[4]:
            fields = {**row[4], **fields}
        yield Candidate(raw=row[0], msisdn=row[0], fields=fields)


def _parsed(raw: str, fields: dict) -> Candidate:
    parsed = msisdn_parse(raw)
    return Candidate(raw=raw, msisdn=parsed.msisdn, fields=fields, error=parsed.error)


def _pasted_candidates(text: str) -> Iterator[Candidate]:
    for raw in numbers_split(text):
        yield _parsed(raw, {})


def _file_candidates(campaign: Campaign) -> Iterator[Candidate]:
    """The uploaded CSV with its column mapping (same mapping shape as contact imports)."""
    mapping = {int(index): target for index, target in (campaign.audience_mapping or {}).items()
               if target}
    number_columns = [index for index, target in mapping.items() if target == "msisdn"]
    if not number_columns:
        raise AudienceError(_("The audience file has no column mapped to the phone number."))
    number_column = number_columns[0]
    try:
        campaign.audience_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise AudienceError(
            _("The audience file “%(name)s” cannot be read: %(error)s")
            % {"name": campaign.audience_file_name or campaign.audience_file.name, "error": exc}
        ) from exc
    with campaign.audience_file as binary:
        text = io.TextIOWrapper(
            binary, encoding=campaign.audience_encoding or "utf-8-sig", errors="replace", newline=""
        )
        delimiter = campaign.audience_delimiter or _delimiter_guess(text)
        reader = csv.reader(text, delimiter=delimiter)
        if campaign.audience_has_header:
            next(reader, None)
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            fields = {}
            for index, target in mapping.items():
                if target != "msisdn" and index < len(row):
                    key = target.split(":", 1)[1] if target.startswith("attr:") else target
                    fields[key] = row[index].strip()
            raw = row[number_column].strip() if number_column < len(row) else ""
            yield _parsed(raw, fields)


def _delimiter_guess(text: io.TextIOWrapper) -> str:
    first = text.readline()
    text.seek(0)
    return max(";,\t", key=first.count) if first else ";"


def audience_candidates(campaign: Campaign, renderer: Renderer, *,
                        group_ids: list[int] | None = None) -> Iterator[Candidate]:
    """Every number the campaign names, in order: groups, pasted, file (then the filter).

    ``group_ids``: the groups whose members to read, the campaign's when not given (``[]``
    leaves the members out, when the caller has written them already).
    """
    only = _only_numbers(campaign)
    if group_ids is None:
        group_ids = list(campaign.groups.values_list("pk", flat=True))
    sources = [
        _member_candidates(group_ids, renderer),
        _pasted_candidates(campaign.pasted_numbers),
    ]
    if campaign.audience_file:
        sources.append(_file_candidates(campaign))
    code = _audience_code(campaign)
    for source in sources:
        for candidate in source:
            if only is not None and candidate.msisdn not in only:
                continue
            if candidate.msisdn and (code is None or not candidate.msisdn.startswith(code)):
                candidate = Candidate(raw=candidate.raw, msisdn=candidate.msisdn,
                                      fields=candidate.fields, outside=True)
            yield candidate


def _audience_code(campaign: Campaign) -> str | None:
    """The calling code every recipient's number must start with: "" for any valid number,
    ``None`` when none can qualify. The one-country rule belongs to Justsend's variants
    (ECO/FULL/PRO reach Poland, INTER its chosen country); other providers take any valid
    number, so a campaign for them keeps its foreign recipients."""
    if campaign.provider != "justsend":
        return ""
    return rules.audience_calling_code(campaign.variant, campaign.country)


def _only_numbers(campaign: Campaign) -> set[str] | None:
    if not campaign.only_numbers:
        return None
    return set(numbers_split(campaign.only_numbers))


def _excluded_numbers_qs(campaign: Campaign):
    return Member.objects.filter(
        group__in=campaign.excluded_groups.values("pk")
    ).values("msisdn")


def _message_segments(campaign: Campaign, text: str) -> segments.SegmentCount | None:
    if campaign.variant == Campaign.Variant.VOICE:
        return None  # a call is billed per recipient, not per part
    return segments.count_segments(text)


# --- the preview ----------------------------------------------------------------------


def audience_summary(*, campaign: Campaign) -> AudienceSummary:
    """Counts, samples and missing fields for the preview; writes nothing.

    The duplicate check holds the audience's numbers in a set while it counts (about
    70 bytes a number); the worker's submission does the same work in the database.
    """
    renderer = renderer_for(campaign)
    summary = AudienceSummary()
    excluded = set(_excluded_numbers_qs(campaign).values_list("msisdn", flat=True))
    blacklist = set(BlacklistEntry.objects.values_list("msisdn", flat=True))
    seen: set[str] = set()
    standard = _message_segments(campaign, campaign.message)
    for candidate, removed in _filtered(campaign, renderer, seen, excluded, blacklist):
        summary.candidates += 1
        if removed is not None:
            setattr(summary, _COUNTER[removed], getattr(summary, _COUNTER[removed]) + 1)
            continue
        try:
            content, params = renderer.content(candidate.fields)
        except MissingField as missing:
            _missing_note(summary, candidate.msisdn, missing.field)
            continue
        summary.recipients += 1
        text = sample_text(renderer, campaign.message, content, params)
        counted = _message_segments(campaign, text) if content or params else standard
        parts = counted.segments if counted else 1
        summary.total_segments += parts
        summary.max_segments = max(summary.max_segments, parts)
        if len(summary.samples) < SAMPLE_SIZE:
            summary.samples.append(SampleMessage(
                msisdn=candidate.msisdn, text=text, segments=parts,
                encoding=counted.encoding if counted else "",
            ))
    return summary


def _missing_note(counts: AudienceSummary | _Tally, msisdn: str, name: str) -> None:
    """Count a recipient lacking a field; the first ``MISSING_SHOWN`` are kept to be shown."""
    counts.missing_count += 1
    if len(counts.missing) < MISSING_SHOWN:
        counts.missing.append((msisdn, name))


_COUNTER = {
    Removed.INVALID: "invalid",
    Removed.OUTSIDE_COUNTRY: "outside_country",
    Removed.DUPLICATE: "duplicates",
    Removed.EXCLUDED: "excluded",
    Removed.BLACKLISTED: "blacklisted",
}


def _filtered(campaign, renderer, seen, excluded, blacklist):
    for candidate in audience_candidates(campaign, renderer):
        if candidate.msisdn is None:
            yield candidate, Removed.INVALID
        elif candidate.outside:
            yield candidate, Removed.OUTSIDE_COUNTRY
        elif candidate.msisdn in seen:
            yield candidate, Removed.DUPLICATE
        else:
            seen.add(candidate.msisdn)
            if candidate.msisdn in excluded:
                yield candidate, Removed.EXCLUDED
            elif candidate.msisdn in blacklist:
                yield candidate, Removed.BLACKLISTED
            else:
                yield candidate, None


def audience_removed_numbers(*, campaign: Campaign, kind: str) -> Iterator[tuple[str, str]]:
    """(number as given, reason) of one kind of removed number, for the preview's downloads."""
    kind = Removed(kind)
    renderer = renderer_for(campaign)
    excluded = set(_excluded_numbers_qs(campaign).values_list("msisdn", flat=True))
    blacklist = set(BlacklistEntry.objects.values_list("msisdn", flat=True))
    reasons = {
        Removed.OUTSIDE_COUNTRY: rules.outside_country_reason(campaign.variant, campaign.country),
        Removed.DUPLICATE: _("already in the audience"),
        Removed.EXCLUDED: _("in an excluded group"),
        Removed.BLACKLISTED: _("on the blacklist"),
    }
    for candidate, removed in _filtered(campaign, renderer, set(), excluded, blacklist):
        if removed is kind:
            yield candidate.raw, candidate.error or reasons[kind]


# --- the submission -------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedAudience:
    recipients: int
    blacklisted_now: int


def audience_prepare(*, campaign: Campaign) -> PreparedAudience:
    """Write the campaign's Recipient rows (once), then remove the blacklist (every time).

    Raises :class:`RenderingError` when recipients lack a field the message needs and
    :class:`AudienceError` when nobody is left.
    """
    with sqlite_cache():
        if campaign.prepared_at is None:
            _recipients_write(campaign)
        with transaction.atomic():
            blacklisted, _deleted = Recipient.objects.filter(
                campaign=campaign, msisdn__in=BlacklistEntry.objects.values("msisdn")
            ).delete()
            count = Recipient.objects.filter(campaign=campaign).count()
            Campaign.objects.filter(pk=campaign.pk).update(
                blacklisted_removed=campaign.blacklisted_removed + blacklisted,
                recipients_count=count,
            )
    campaign.blacklisted_removed += blacklisted
    campaign.recipients_count = count
    if not count:
        raise AudienceError(
            _("No recipient is left once invalid, duplicate, excluded and blacklisted "
              "numbers and those outside the variant's country are removed.")
        )
    return PreparedAudience(recipients=count, blacklisted_now=blacklisted)


def missing_fields_error(count: int, missing: list[tuple[str, str]]) -> RenderingError:
    """The refusal of recipients lacking a field: how many, and the first (number, field)."""
    return RenderingError(
        _("%(count)d recipients lack a field the message needs, e.g. %(examples)s.")
        % {"count": count,
           "examples": ", ".join(f"{number} ({name})" for number, name in missing[:5])},
        extra={"missing": missing, "count": count},
    )


def _recipients_write(campaign: Campaign) -> None:
    """Write every candidate as a Recipient row, in one transaction, then drop the excluded.

    Group members (the millions) go in one ``INSERT … SELECT`` with the message rendered by
    the database when the template uses only member columns (:func:`_member_sql`); pasted
    numbers, the uploaded file and templates with attributes go through Python in batches.
    Duplicates are dropped by the unique (campaign, msisdn) constraint, the first occurrence
    (groups by member pk, then pasted, then file) winning. All or nothing: a worker that dies
    half way, or recipients lacking a field, leave no row behind.
    """
    renderer = renderer_for(campaign)
    group_ids = list(campaign.groups.values_list("pk", flat=True))
    member_sql = (_member_sql(campaign, renderer)
                  if group_ids and _only_numbers(campaign) is None else None)
    tally = _Tally()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        # A prepare cut short elsewhere (an older worker) may have left rows: start afresh.
        Recipient.objects.filter(campaign=campaign).delete()
        if member_sql is not None:
            _members_insert(campaign, member_sql, group_ids, tally, now)
            group_ids = []  # members written: pasted numbers and the file remain
        candidates = audience_candidates(campaign, renderer, group_ids=group_ids)
        _candidates_insert(campaign, renderer, candidates, tally, now)
        if tally.missing_count:
            raise missing_fields_error(tally.missing_count, tally.missing)
        written = Recipient.objects.filter(campaign=campaign).count()
        excluded, _deleted = Recipient.objects.filter(
            campaign=campaign, msisdn__in=_excluded_numbers_qs(campaign)
        ).delete()
        fields = {
            "invalid_removed": tally.invalid,
            "outside_country_removed": tally.outside,
            "duplicates_removed": tally.valid - written,
            "excluded_removed": excluded,
            "blacklisted_removed": 0,
            "prepared_count": tally.valid,
            "prepared_at": timezone.now(),
        }
        campaign_update_fields(campaign_id=campaign.pk, in_states=[campaign.status], **fields)
    for name, value in fields.items():
        setattr(campaign, name, value)


@contextmanager
def sqlite_cache(kib: int = SQLITE_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache while a million rows are written or read, then the old one.

    With the default 2 MB, each of the recipient table's five indexes is read back from
    the file again and again during a large insert (four times the wall time here). The
    cache is a fixed ceiling, not a function of the audience: memory stays flat.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@dataclass
class _Tally:
    valid: int = 0
    invalid: int = 0
    outside: int = 0
    missing_count: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)


_RECIPIENT_COLUMNS = ("(campaign_id, msisdn, content, params, status, status_code, operator,"
                      " message_id, updated_at)")
# What str.strip() removes: a field of only these is missing, in SQL as in Python.
_WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())


@dataclass(frozen=True)
class _MemberSql:
    content: str  # SQL expressions over the member row ``m``
    params: str
    missing: str  # the first missing field's name, or NULL
    content_args: tuple
    missing_args: tuple


def _member_sql(campaign: Campaign, renderer: Renderer) -> _MemberSql | None:
    """The renderer as SQL over ``contacts_member m``, or None when Python must render.

    Only the member columns (name, surname, address) are rendered by the database: an
    attribute's JSON value would not read back exactly as Python's ``str()`` of it.
    """
    trim = {"sqlite": "trim", "postgresql": "btrim"}.get(connection.vendor)
    if trim is None:
        return None
    if renderer.template is not None:
        names = renderer.template.parts[1::2]
    else:
        names = renderer.parameter_fields
    if any(name not in MEMBER_FIELDS for name in names):
        return None
    args: list = []
    missing_args: list = []
    content, params = "''", "NULL"
    if renderer.template is not None:
        pieces = []
        for index, part in enumerate(renderer.template.parts):
            if index % 2:
                pieces.append(f"m.{part}")
            elif part:
                pieces.append("CAST(%s AS TEXT)")
                args.append(part)
        content = " || ".join(pieces) or "''"
    elif renderer.parameter_fields:
        columns = ", ".join(f"m.{name}" for name in renderer.parameter_fields)
        params = (f"json_array({columns})" if connection.vendor == "sqlite"
                  else f"CAST(json_build_array({columns}) AS jsonb)")
    missing = "NULL"
    if names:
        whens = []
        for name in dict.fromkeys(names):
            whens.append(f"WHEN {trim}(m.{name}, %s) = '' THEN '{name}'")
            missing_args.append(_WHITESPACE)
        missing = f"CASE {' '.join(whens)} END"
    return _MemberSql(content=content, params=params, missing=missing, content_args=tuple(args),
                      missing_args=tuple(missing_args))


def _members_insert(campaign: Campaign, sql: _MemberSql, group_ids: list[int], tally: _Tally,
                    now) -> None:
    """Counts (invalid, missing fields) in one pass, then every member in one statement."""
    members = connection.ops.quote_name(Member._meta.db_table)
    recipients = connection.ops.quote_name(Recipient._meta.db_table)
    in_groups = f"m.group_id IN ({', '.join(['%s'] * len(group_ids))})"
    # Outside the variant's country: told by the calling code, the MSISDN's prefix (digits
    # from rules.CALLING_CODES, never user input, hence inlined).
    code = _audience_code(campaign)
    if code == "":
        usable = "1 = 1"
    else:
        usable = (f"substr(m.msisdn, 1, {len(code)}) = '{int(code)}'" if code is not None
                  else "1 = 0")
    missing_args = sql.missing_args
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {usable} THEN 0 ELSE 1 END), 0),"
            f" COALESCE(SUM(CASE WHEN {usable} AND ({sql.missing}) IS NOT NULL THEN 1 ELSE 0 END), 0)"
            f" FROM {members} m WHERE {in_groups}",
            [*missing_args, *group_ids],
        )
        total, outside, missing = cursor.fetchone()
        tally.outside += outside
        if missing:
            tally.missing_count += missing
            cursor.execute(
                f"SELECT m.msisdn, {sql.missing} FROM {members} m WHERE {in_groups} AND {usable}"
                f" AND ({sql.missing}) IS NOT NULL ORDER BY m.id LIMIT {MISSING_SHOWN}",
                [*missing_args, *group_ids, *missing_args],
            )
            tally.missing.extend(cursor.fetchall())
            return  # nothing is written: the campaign fails with the list
        tally.valid += total - outside
        # One group holds a number once (unique group + msisdn) and the campaign has no row
        # yet: a plain insert. Several groups may share numbers: the unique (campaign,
        # msisdn) drops the later ones. The conflict check costs a third of the 1M insert
        # on PostgreSQL (a speculative insertion per row), so it is only asked for here.
        # WHERE before ON CONFLICT: SQLite's parser needs it to tell the upsert apart.
        on_conflict = " ON CONFLICT DO NOTHING" if len(group_ids) > 1 else ""
        cursor.execute(
            f"INSERT INTO {recipients} {_RECIPIENT_COLUMNS}"
            f" SELECT %s, m.msisdn, {sql.content}, {sql.params}, 'queued', '', '', '', %s"
            f" FROM {members} m WHERE {in_groups} AND {usable} ORDER BY m.id{on_conflict}",
            [campaign.pk, *sql.content_args, now, *group_ids],
        )
        if connection.vendor == "postgresql" and cursor.rowcount >= ANALYZE_AFTER:
            # Fresh statistics, or the blacklist DELETE plans for an empty table (8 s at 1M).
            cursor.execute(f"ANALYZE {recipients}")


def _candidates_insert(campaign: Campaign, renderer: Renderer, candidates: Iterator[Candidate],
                       tally: _Tally, now) -> None:
    batch: list[tuple] = []
    for candidate in candidates:
        if candidate.msisdn is None:
            tally.invalid += 1
            continue
        if candidate.outside:
            tally.outside += 1
            continue
        try:
            content, params = renderer.content(candidate.fields)
        except MissingField as error:
            _missing_note(tally, candidate.msisdn, error.field)
            continue
        tally.valid += 1
        if tally.missing_count:
            continue  # it will fail: render on for the count, write nothing more
        batch.append((campaign.pk, candidate.msisdn, content,
                      json.dumps(params) if params is not None else None, now))
        if len(batch) >= BATCH_SIZE:
            _batch_insert(batch)
            batch = []
    if not tally.missing_count:
        _batch_insert(batch)


def _batch_insert(batch: list[tuple]) -> None:
    # Plain executemany: building a million model instances costs more than the writes.
    # ON CONFLICT DO NOTHING (SQLite and PostgreSQL) drops duplicates on (campaign, msisdn).
    if not batch:
        return
    table = connection.ops.quote_name(Recipient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} {_RECIPIENT_COLUMNS}"
            " VALUES (%s, %s, %s, %s, 'queued', '', '', '', %s) ON CONFLICT DO NOTHING",
            batch,
        )


def recipients_rows(campaign: Campaign) -> Iterator[tuple[str, str, list | None]]:
    """The prepared recipients in a stable order, streamed from the database."""
    return (
        Recipient.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("msisdn", "content", "params")
        .iterator(chunk_size=BATCH_SIZE * 2)
    )
