import os

import pytest

from tests.factories.users import administrator_create, marketing_user_create

# Browser tests drive the live server from the test thread; the ORM calls made there
# are synchronous on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.worker",
    "tests.fixtures.browser",
]


@pytest.fixture
def marketing_user(db):
    return marketing_user_create(username="marketer")


@pytest.fixture
def administrator(db):
    return administrator_create(username="boss")


@pytest.fixture
def marketing_client(client, marketing_user):
    client.force_login(marketing_user)
    return client


@pytest.fixture
def admin_client_panel(client, administrator):
    client.force_login(administrator)
    return client
