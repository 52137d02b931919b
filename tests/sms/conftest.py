import json
from collections.abc import Iterator

import httpx
import pytest
import respx

from justsend_panel.sms.justsend import JustsendClient

BASE_URL = "https://justsend.test/api"
APP_KEY = "app-key-7Hq2-SECRET-x91"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def client(api: respx.MockRouter) -> Iterator[JustsendClient]:
    with JustsendClient(BASE_URL, APP_KEY) as justsend:
        yield justsend


def sent_json(route: respx.Route) -> object:
    """The JSON body of the last request a route received."""
    return json.loads(route.calls.last.request.content)


def sent_params(route: respx.Route) -> dict[str, list[str]]:
    params = route.calls.last.request.url.params
    return {key: params.get_list(key) for key in params.keys()}


def page_body(items: list[object], *, total_pages: int = 1, total_elements: int | None = None) -> dict[str, object]:
    return {
        "content": items,
        "totalPages": total_pages,
        "totalElements": len(items) if total_elements is None else total_elements,
    }


def json_response(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)
