"""docker-compose.yml is accepted by Compose (no Docker engine runs here: config only)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    message = "neither 'docker compose' nor 'docker-compose' is installed"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_compose_config_accepts_the_file():
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "JUSTSEND_APP_KEY": "key",
        "JUSTSEND_WEBHOOK_SECRET": "secret",
    }
    result = subprocess.run(
        [*_compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"postgres", "redis", "web", "worker-sending", "worker-bulk", "beat"} <= set(services)
    # Sending and postbacks have workers of their own, never busy with imports or sync.
    queues = {
        name: services[name]["command"][services[name]["command"].index("-Q") + 1].split(",")
        for name in ("worker-sending", "worker-bulk")
    }
    assert queues == {
        "worker-sending": ["sending", "postbacks", "default"],
        "worker-bulk": ["imports", "sync"],
    }
    assert services["web"]["environment"]["PANEL_ENV"] == "production"
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
