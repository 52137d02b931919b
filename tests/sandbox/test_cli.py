import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fixtures.sandbox import PostbackReceiver

ROOT = Path(__file__).resolve().parents[2]
KEY = "cli-secret-key-123"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(tmp_path, env_key, *extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUSTSEND_SANDBOX_")}
    if env_key:
        env["JUSTSEND_SANDBOX_APP_KEY"] = env_key
    port = _free_port()
    command = [sys.executable, "-m", "justsend_panel.sandbox", "--port", str(port), "--state",
               str(tmp_path / "state.sqlite3"), "--clock", "manual", *extra]
    return port, subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_serving(port: int) -> httpx.Response:
    """The first answer of the sandbox started on ``port`` (its pricing), once it listens."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/pricing/config", headers={"App-Key": KEY})
        except httpx.ConnectError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_refuses_to_start_without_an_app_key(tmp_path):
    _, process = _run(tmp_path, None)
    assert process.wait(timeout=30) == 2
    assert "JUSTSEND_SANDBOX_APP_KEY" in process.stderr.read()


def test_serves_the_api_and_logs_requests_without_the_key(tmp_path):
    port, process = _run(tmp_path, KEY)
    try:
        banner = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/api" in banner
        response = _wait_until_serving(port)
        assert response.status_code == 200 and "ECO" in response.json()
        assert httpx.get(f"http://127.0.0.1:{port}/api/pricing/config").status_code == 401
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    output = banner + out + err
    assert "GET /api/pricing/config 200" in output
    assert "GET /api/pricing/config 401" in output
    assert KEY not in output


def test_postbacks_are_sent_without_logging_the_secret_in_their_url(tmp_path):
    with PostbackReceiver() as receiver:
        port, process = _run(tmp_path, KEY, "--postback-url", receiver.url)
        try:
            _wait_until_serving(port)
            headers = {"App-Key": KEY}
            sent = httpx.post(
                f"http://127.0.0.1:{port}/api/sender/singlemessage/send", headers=headers,
                json={"msisdn": "48500100200", "content": "Hi", "bulkVariant": "ECO"},
            )
            assert sent.status_code == 201, sent.text
            httpx.post(f"http://127.0.0.1:{port}/_sandbox/clock/advance", headers=headers,
                       json={"seconds": 60})
            assert receiver.of_kind("send-status") and receiver.of_kind("delivery-status")
        finally:
            process.terminate()
            out, err = process.communicate(timeout=20)
    assert "s3cret" in receiver.url
    assert "s3cret" not in out + err
