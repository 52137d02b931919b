import json
from collections.abc import Iterator

import pytest
import respx

from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.justcall.backend import JustCallBackend
from justsend_panel.sms.justcall.client import JustCallClient

BASE_URL = "https://justcall.test/v2"
API_KEY = "jc-key-7Hq2-KEYPART"
API_SECRET = "jc-secret-Zp41-SECRETPART"
FROM = "+14155551234"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def client(api: respx.MockRouter) -> Iterator[JustCallClient]:
    with JustCallClient(BASE_URL, API_KEY, API_SECRET) as justcall:
        yield justcall


def config(**options) -> ProviderConfig:
    return ProviderConfig(
        name="justcall", mode=Mode.LIVE, api_url=BASE_URL,
        credentials={"api_key": API_KEY, "api_secret": API_SECRET}, options=options,
    )


@pytest.fixture
def backend(api: respx.MockRouter) -> Iterator[JustCallBackend]:
    with JustCallBackend(config()) as justcall:
        yield justcall


def sent_json(route: respx.Route) -> object:
    return json.loads(route.calls.last.request.content)
