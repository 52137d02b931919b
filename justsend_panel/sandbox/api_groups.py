"""Groups and group members (manual section 4).

Readings: creating a group or member answers 201 with the stored object; an unknown group
is 404, a number already in the group 409, a malformed number or body 400. ``POST
/group-members`` takes one member object (an array of them is accepted too, as the manual
shows both). ``DELETE /group-members`` fails with 404, deleting nothing, when a listed
number is not in the group (the manual lists that as an error). ``PUT /group-members``
answers ``{"updated": n, "members": [...]}``; ``batch-add`` answers ``{"added",
"alreadyInGroup"}`` and refuses the whole list (400) if any number is malformed. The CSV
export is ``msisdn;name;surname;address`` per line, no header, ``null`` for an empty field,
as in the manual's sample. ``ownerId`` and ``memberCount`` sent by a client are ignored.
"""

from __future__ import annotations

import csv
import io

from werkzeug.wrappers import Request, Response

from . import rules
from .bulks import SANDBOX_USER_ID
from .web import (ApiError, Filters, Paging, bad_request, json_body, json_response, not_found, page_response,
                  query_required)

GROUP_COLUMNS = "g.*, (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS member_count"
GROUP_SELECT = f"SELECT {GROUP_COLUMNS} FROM groups g"
# A group (4.8, 4.11): id, name, ownerId, groupType, country, memberCount.
GROUP_SORT = {"id": "g.id", "name": "g.name", "ownerId": "g.owner_id", "groupType": "g.group_type",
              "country": "g.country", "memberCount": "member_count"}
# A group member (4.4): msisdn, name, surname, address.
MEMBER_SORT = {"msisdn": "msisdn", "name": "name", "surname": "surname", "address": "address"}
EXPORT_CHUNK = 5000


def group_body(row) -> dict:
    return {"id": row["id"], "name": row["name"], "ownerId": row["owner_id"], "groupType": row["group_type"],
            "country": row["country"], "memberCount": row["member_count"]}


def member_body(row) -> dict:
    return {"msisdn": row["msisdn"], "groupId": row["group_id"], "name": row["name"],
            "surname": row["surname"], "address": row["address"]}


def _int(raw: object, field: str) -> int:
    if isinstance(raw, bool):
        raise bad_request(f"'{field}' must be an integer")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise bad_request(f"'{field}' must be an integer") from None


def _group(app, group_id: int, conn=None):
    row = (conn or app.store.conn).execute(GROUP_SELECT + " WHERE g.id = ?", (group_id,)).fetchone()
    if row is None:
        raise not_found(f"Group {group_id} not found")
    return row


def _optional_text(data: dict, field: str) -> str | None:
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"'{field}' must be a string")
    return value


# -- groups -------------------------------------------------------------------------------------

def _group_fields(data: dict, *, partial: bool) -> dict:
    fields = {}
    if "name" in data or not partial:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("Field 'name' is required")
        fields["name"] = name.strip()
    # Creating needs a group type and a country ("lack of the indicated group type",
    # "incorrect country format" are the manual's errors, 4.9); an update changes only what it sends.
    if "groupType" in data or not partial:
        fields["group_type"] = rules.choice(data.get("groupType"), rules.GROUP_TYPES, "groupType", required=not partial)
    if "country" in data or not partial:
        fields["country"] = rules.choice(data.get("country"), rules.COUNTRIES, "country", required=not partial)
    return fields


def group_create(app, request: Request):
    fields = _group_fields(json_body(request, expect=dict), partial=False)
    with app.store.write() as conn:
        group_id = conn.execute(
            "INSERT INTO groups (name, owner_id, group_type, country, create_date) VALUES (?, ?, ?, ?, ?)",
            (fields["name"], SANDBOX_USER_ID, fields["group_type"], fields["country"], app.clock.now()),
        ).lastrowid
        row = _group(app, group_id, conn)
    return json_response(group_body(row), status=201)


def group_update(app, request: Request):
    data = json_body(request, expect=dict)
    group_id = _int(data.get("id"), "id")
    fields = {k: v for k, v in _group_fields(data, partial=True).items() if v is not None}
    with app.store.write() as conn:
        _group(app, group_id, conn)
        if fields:
            assignments = ", ".join(f"{column} = ?" for column in fields)
            conn.execute(f"UPDATE groups SET {assignments} WHERE id = ?", (*fields.values(), group_id))
        row = _group(app, group_id, conn)
    return json_response(group_body(row))


def group_delete(app, request: Request, group_id: str):
    gid = _int(group_id, "id")
    with app.store.write() as conn:
        _group(app, gid, conn)
        conn.execute("DELETE FROM group_members WHERE group_id = ?", (gid,))
        conn.execute("DELETE FROM groups WHERE id = ?", (gid,))
    return json_response("Group deleted successfully")


def _group_page(app, request: Request, where: str, params: tuple) -> Response:
    paging = Paging(request, default_size=25, sort_fields=GROUP_SORT, default_order="g.id", tiebreak="g.id",
                    record="a group")
    return page_response(app.store, paging, "groups g", Filters(where, params=params), group_body, select=GROUP_COLUMNS)


def groups_list(app, request: Request):
    group_type = rules.choice(request.args.get("groupType"), rules.GROUP_TYPES, "groupType", required=False)
    if group_type:
        return _group_page(app, request, "g.group_type = ?", (group_type,))
    return _group_page(app, request, "1 = 1", ())


def groups_search(app, request: Request):
    msisdn = rules.require_msisdn(query_required(request, "msisdn"))
    return _group_page(app, request, "g.id IN (SELECT group_id FROM group_members WHERE msisdn = ?)", (msisdn,))


def group_get(app, request: Request):
    return json_response(group_body(_group(app, _int(query_required(request, "groupId"), "groupId"))))


# -- members ------------------------------------------------------------------------------------

def _member_fields(data: object, where: str) -> tuple[str, int, dict]:
    if not isinstance(data, dict):
        raise bad_request(f"{where} must be an object")
    msisdn = rules.require_msisdn(data.get("msisdn"), f"{where}.msisdn")
    group_id = _int(data.get("groupId"), f"{where}.groupId")
    extra = {field: _optional_text(data, field) for field in ("name", "surname", "address") if field in data}
    return msisdn, group_id, extra


def member_add(app, request: Request):
    data = json_body(request, expect=(dict, list))
    items = data if isinstance(data, list) else [data]
    if not items:
        raise bad_request("No member given")
    added = []
    with app.store.write() as conn:
        for index, item in enumerate(items):
            msisdn, group_id, extra = _member_fields(item, "member" if isinstance(data, dict) else f"member[{index}]")
            _group(app, group_id, conn)
            if conn.execute("SELECT 1 FROM group_members WHERE group_id = ? AND msisdn = ?", (group_id, msisdn)).fetchone():
                raise ApiError(409, f"Member {msisdn} already exists in group {group_id}")
            conn.execute(
                "INSERT INTO group_members (group_id, msisdn, name, surname, address) VALUES (?, ?, ?, ?, ?)",
                (group_id, msisdn, extra.get("name"), extra.get("surname"), extra.get("address")),
            )
            added.append(member_body(conn.execute(
                "SELECT * FROM group_members WHERE group_id = ? AND msisdn = ?", (group_id, msisdn)).fetchone()))
    return json_response(added[0] if isinstance(data, dict) else added, status=201)


def members_update(app, request: Request):
    data = json_body(request, expect=list)
    if not data:
        raise bad_request("No member update given")
    updated = []
    with app.store.write() as conn:
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                raise bad_request(f"[{index}] must be an object with currentMemberData and newMemberData")
            msisdn, group_id, _ = _member_fields(item.get("currentMemberData"), f"[{index}].currentMemberData")
            new = item.get("newMemberData")
            if not isinstance(new, dict):
                raise bad_request(f"[{index}].newMemberData must be an object")
            current = conn.execute("SELECT * FROM group_members WHERE group_id = ? AND msisdn = ?", (group_id, msisdn)).fetchone()
            if current is None:
                raise not_found(f"Member {msisdn} not found in group {group_id}")
            new_msisdn = rules.require_msisdn(new.get("msisdn", msisdn), f"[{index}].newMemberData.msisdn")
            new_group = _int(new.get("groupId", group_id), f"[{index}].newMemberData.groupId")
            _group(app, new_group, conn)
            clash = conn.execute(
                "SELECT id FROM group_members WHERE group_id = ? AND msisdn = ? AND id != ?", (new_group, new_msisdn, current["id"])
            ).fetchone()
            if clash:
                raise ApiError(409, f"Member {new_msisdn} already exists in group {new_group}")
            values = {field: _optional_text(new, field) if field in new else current[field] for field in ("name", "surname", "address")}
            conn.execute(
                "UPDATE group_members SET group_id = ?, msisdn = ?, name = ?, surname = ?, address = ? WHERE id = ?",
                (new_group, new_msisdn, values["name"], values["surname"], values["address"], current["id"]),
            )
            updated.append(member_body(conn.execute("SELECT * FROM group_members WHERE id = ?", (current["id"],)).fetchone()))
    return json_response({"updated": len(updated), "members": updated})


def _msisdn_list(request: Request) -> list[str]:
    data = json_body(request, expect=list)
    if not data:
        raise bad_request("The body must list at least one MSISDN")
    numbers, invalid = [], []
    for raw in data:
        msisdn = rules.normalise_msisdn(raw)
        (invalid.append(str(raw)) if msisdn is None else numbers.append(msisdn))
    if invalid:
        raise bad_request(f"Invalid MSISDN: {', '.join(invalid[:10])}" + (" …" if len(invalid) > 10 else ""))
    return list(dict.fromkeys(numbers))


def _query_group(app, request: Request, conn=None) -> int:
    group_id = _int(query_required(request, "groupId"), "groupId")
    _group(app, group_id, conn)
    return group_id


def members_remove(app, request: Request):
    numbers = _msisdn_list(request)
    with app.store.write() as conn:
        group_id = _query_group(app, request, conn)
        present = set()
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            present.update(row[0] for row in conn.execute(
                f"SELECT msisdn FROM group_members WHERE group_id = ? AND msisdn IN ({','.join('?' * len(chunk))})",
                (group_id, *chunk)))
        missing = [n for n in numbers if n not in present]
        if missing:
            raise not_found(f"Not in group {group_id}: {', '.join(missing[:10])}")
        conn.executemany("DELETE FROM group_members WHERE group_id = ? AND msisdn = ?", [(group_id, n) for n in numbers])
    return json_response({"removed": len(numbers)})


def members_batch_add(app, request: Request):
    numbers = _msisdn_list(request)
    with app.store.write() as conn:
        group_id = _query_group(app, request, conn)
        before = conn.total_changes
        conn.executemany("INSERT OR IGNORE INTO group_members (group_id, msisdn) VALUES (?, ?)", [(group_id, n) for n in numbers])
        added = conn.total_changes - before
    return json_response({"added": added, "alreadyInGroup": len(numbers) - added})


def _member_page(app, request: Request, group_id: int, msisdn_like: str | None) -> Response:
    paging = Paging(request, default_size=25, sort_fields=MEMBER_SORT, default_order="id", record="a group member")
    filters = Filters("group_id = ?", params=[group_id])
    filters.like("msisdn", msisdn_like)
    return page_response(app.store, paging, "group_members", filters, member_body)


def members_list(app, request: Request, group_id: str):
    gid = _int(group_id, "groupId")
    _group(app, gid)
    return _member_page(app, request, gid, None)


def members_search(app, request: Request, group_id: str):
    gid = _int(group_id, "groupId")
    _group(app, gid)
    term = (request.args.get("msisdn") or "").strip()
    if term and not term.isdigit():
        raise bad_request("Query parameter 'msisdn' must contain digits only")
    return _member_page(app, request, gid, term or None)


def members_export_csv(app, request: Request):
    group_id = _query_group(app, request)

    def lines():
        cursor = app.store.conn.execute(
            "SELECT msisdn, name, surname, address FROM group_members WHERE group_id = ? ORDER BY id", (group_id,)
        )
        while rows := cursor.fetchmany(EXPORT_CHUNK):
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
            writer.writerows([value if value not in (None, "") else "null" for value in row] for row in rows)
            yield buffer.getvalue().encode()

    return Response(lines(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="group-{group_id}.csv"',
    })
