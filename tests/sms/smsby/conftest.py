import json
from collections.abc import Iterator

import pytest
import respx

from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.smsby.backend import SmsByBackend
from justsend_panel.sms.smsby.client import SmsByClient

BASE_URL = "https://smsby.test/api/v1"
TOKEN = "smsby-token-7Qk2-SECRET-z91"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def client(api: respx.MockRouter) -> Iterator[SmsByClient]:
    with SmsByClient(BASE_URL, TOKEN) as smsby:
        yield smsby


def make_backend(**options) -> SmsByBackend:
    config = ProviderConfig(name="smsby", mode=Mode.LIVE, api_url=BASE_URL, credentials={"token": TOKEN},
                            options=options)
    return SmsByBackend(config)


@pytest.fixture
def backend(api: respx.MockRouter) -> Iterator[SmsByBackend]:
    with make_backend() as smsby:
        yield smsby


def sent_json(route: respx.Route) -> object:
    return json.loads(route.calls.last.request.content)


def sent_form(route: respx.Route) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(route.calls.last.request.content.decode()))


def sent_query(route: respx.Route) -> dict[str, str]:
    return dict(route.calls.last.request.url.params)
