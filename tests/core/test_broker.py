"""The filesystem broker never hands a worker a half-written message."""

import os
import threading
from queue import Empty

import pytest
from kombu import Connection

from justsend_panel.core.broker import Transport
from justsend_panel.settings import filesystem_broker_options

MESSAGES = 400
PAYLOAD = "x" * 200_000  # large enough that a write takes a while


def _pending(channel):
    return [name for name in os.listdir(channel.data_folder_in) if name.endswith(".q.msg")]


@pytest.fixture
def channel(tmp_path):
    options = filesystem_broker_options(tmp_path, polling_interval=0.01)
    with Connection(transport=Transport, transport_options=options) as connection:
        yield connection.default_channel


def test_reader_polling_during_writes_only_sees_whole_messages(channel):
    received, failures = [], []
    done = threading.Event()

    def read():
        while len(received) < MESSAGES:
            try:
                received.append(channel._get("q"))
            except Empty:
                if done.is_set() and not _pending(channel):
                    return
            except Exception as exc:  # a torn message: what this test exists to catch
                failures.append(repr(exc))
                return

    reader = threading.Thread(target=read)
    reader.start()
    for number in range(MESSAGES):
        channel._put("q", {"n": number, "body": PAYLOAD})
    done.set()
    reader.join(timeout=60)
    assert failures == []
    assert sorted(message["n"] for message in received) == list(range(MESSAGES))
    assert all(message["body"] == PAYLOAD for message in received)


def test_filesystem_urls_use_the_atomic_transport():
    with Connection("filesystem://") as connection:
        assert isinstance(connection.transport, Transport)
