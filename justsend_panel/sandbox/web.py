"""Small HTTP helpers shared by the handlers: errors, JSON bodies, paging, query params.

Error bodies follow the Spring Boot shape the real API (a Spring application, judging by
``content``/``totalPages`` pages and operation names like ``saveAndStartProcessBulk``)
returns: ``{"timestamp", "status", "error", "message", "path"}``; a machine-readable
``code`` is added where a client may want to branch on it (e.g. ``INSUFFICIENT_FUNDS``).
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, Iterable

from werkzeug.wrappers import Request, Response


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}

    def to_response(self, path: str) -> Response:
        body = {
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "status": self.status,
            "error": HTTPStatus(self.status).phrase,
            "message": self.message,
            "path": path,
        }
        if self.code:
            body["code"] = self.code
        response = json_response(body, status=self.status)
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def bad_request(message: str, code: str | None = None) -> ApiError:
    return ApiError(400, message, code=code)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


def no_content() -> Response:
    return Response(status=204)


def json_body(request: Request, *, expect: type | tuple[type, ...] | None = None) -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise bad_request("Request body is required")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"Malformed JSON body: {exc}") from None
    if expect is not None and not isinstance(data, expect):
        names = expect.__name__ if isinstance(expect, type) else " or ".join(t.__name__ for t in expect)
        kinds = {"dict": "a JSON object", "list": "a JSON array"}
        raise bad_request(f"Request body must be {kinds.get(names, names)}")
    return data


def query_int(request: Request, name: str, default: int | None = None, *, minimum: int = 0) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Query parameter '{name}' must be an integer") from None
    if value < minimum:
        raise bad_request(f"Query parameter '{name}' must be >= {minimum}")
    return value


def query_required(request: Request, name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        raise bad_request(f"Required query parameter '{name}' is missing")
    return value


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise bad_request(f"Query parameter '{name}' must be true or false")


def query_list(request: Request, name: str) -> list[str]:
    """Repeated (``a=X&a=Y``) and comma-separated (``a=X,Y``) values, as Spring accepts both."""
    values: list[str] = []
    for raw in request.args.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values


class Paging:
    """``page`` (from 0) / ``size`` / ``sortField`` / ``sortDirection`` of a list request."""

    def __init__(self, request: Request, *, default_size: int, sort_fields: dict[str, str], default_order: str,
                 record: str, tiebreak: str = "id", max_size: int | None = 10_000, default_direction: str = "ASC"):
        """``sort_fields``: the listed record's fields (as the manual names them) -> SQL to order by.

        The manual: "sortField - the field by which the list of results is sorted. The value should
        correspond to one of the available fields of the [listed] object" (3.3); any other value
        is refused with 400, naming the record. ``default_order`` (SQL) applies without a sortField.
        """
        self.tiebreak = tiebreak
        self.page = query_int(request, "page", 0)
        self.size = query_int(request, "size", default_size, minimum=1)
        if max_size is not None:
            self.size = min(self.size, max_size)
        sort_field = request.args.get("sortField")
        if sort_field:
            if sort_field not in sort_fields:
                raise bad_request(f"sortField '{sort_field}' is not a field of {record};"
                                  f" allowed: {', '.join(sorted(sort_fields))}")
            self.order_column = sort_fields[sort_field]
        else:
            self.order_column = default_order
        direction = (request.args.get("sortDirection") or default_direction).upper()
        if direction not in ("ASC", "DESC"):
            raise bad_request("sortDirection must be ASC or DESC")
        self.direction = direction

    @property
    def offset(self) -> int:
        return self.page * self.size

    def order_by(self) -> str:
        return f"ORDER BY {self.order_column} {self.direction}, {self.tiebreak} {self.direction}"

    def limit(self) -> str:
        return f"LIMIT {self.size} OFFSET {self.offset}"

    def page_body(self, content: Iterable[Any], total: int) -> dict:
        return {
            "content": list(content),
            "totalPages": math.ceil(total / self.size) if total else 0,
            "totalElements": total,
            "number": self.page,
            "size": self.size,
        }


class Filters:
    """The WHERE conditions of a list request and their parameters, added as query args allow."""

    def __init__(self, *conditions: str, params: Iterable[Any] = ()):
        self.conditions = list(conditions) or ["1 = 1"]
        self.params = list(params)

    def add(self, condition: str, *params: Any) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def equal(self, column: str, value: Any) -> None:
        if value not in (None, ""):
            self.add(f"{column} = ?", value)

    def like(self, column: str, value: str | None) -> None:
        if value:
            self.add(f"{column} LIKE ?", f"%{value}%")

    def between(self, column: str, start: float | None, end: float | None) -> None:
        if start is not None:
            self.add(f"{column} >= ?", start)
        if end is not None:
            self.add(f"{column} <= ?", end)

    @property
    def clause(self) -> str:
        return " AND ".join(self.conditions)


def page_response(store, paging: Paging, source: str, filters: Filters, render, *, select: str = "*") -> Response:
    """Count and fetch one page of ``SELECT select FROM source WHERE filters`` as a paged body."""
    total = store.scalar(f"SELECT COUNT(*) FROM {source} WHERE {filters.clause}", filters.params)
    rows = store.all(
        f"SELECT {select} FROM {source} WHERE {filters.clause} {paging.order_by()} {paging.limit()}", filters.params
    )
    return json_response(paging.page_body(map(render, rows), total))
