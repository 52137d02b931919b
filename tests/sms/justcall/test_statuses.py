import pytest

from justsend_panel.sms.justcall.statuses import STATUS_MAP, map_status
from justsend_panel.sms.types import MessageState


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("queued", MessageState.QUEUED),
        ("sent", MessageState.SENT),
        ("delivered", MessageState.DELIVERED),
        ("failed", MessageState.FAILED),
        ("undelivered", MessageState.UNDELIVERED),
        (" Delivered ", MessageState.DELIVERED),
    ],
)
def test_the_manual_s_five_statuses(raw, state):
    assert map_status(raw) is state


def test_the_map_holds_exactly_the_manual_s_statuses():
    assert set(STATUS_MAP) == {"queued", "sent", "delivered", "failed", "undelivered"}


@pytest.mark.parametrize("raw", ["expired", "read", "", None, 3])
def test_anything_else_maps_to_nothing(raw):
    assert map_status(raw) is None
