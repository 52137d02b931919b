import pytest


@pytest.fixture
def unreachable_justsend(settings):
    """Nothing listens on port 1: every call fails to connect, at once."""
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    settings.JUSTSEND_SANDBOX_APP_KEY = "unreachable-test-key"
    settings.JUSTSEND_APP_KEY = ""
    return settings
