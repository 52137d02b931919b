import json
from collections.abc import Iterator

import pytest
import respx

from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.smsmanager.backend import SmsManagerBackend
from justsend_panel.sms.smsmanager.client import SmsManagerClient

BASE_URL = "https://smsmanager.test/v2"
API_KEY = "smsm-key-4Xr9-SECRET-q27"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def client(api: respx.MockRouter) -> Iterator[SmsManagerClient]:
    with SmsManagerClient(BASE_URL, API_KEY) as smsmanager:
        yield smsmanager


@pytest.fixture
def backend(api: respx.MockRouter) -> Iterator[SmsManagerBackend]:
    config = ProviderConfig(name="smsmanager", mode=Mode.LIVE, api_url=BASE_URL, credentials={"api_key": API_KEY})
    with SmsManagerBackend(config) as smsmanager:
        yield smsmanager


def sent_json(route: respx.Route) -> object:
    return json.loads(route.calls.last.request.content)
