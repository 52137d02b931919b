"""docker-compose.yml is accepted by Compose (no Docker engine runs here: config only)."""

import json
import os
import re
import shlex
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


# --- uploads reach the workers (issue 13, point 14) ----------------------------------------

def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merge keys resolved


def image_command() -> list[str]:
    """The Dockerfile's CMD: what a service without a command of its own runs."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return json.loads(re.search(r"^CMD (\[.*\])\s*$", dockerfile, re.MULTILINE).group(1))


def _command(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:
        return image_command() if "build" in service else []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _opens_uploads(command: list[str]) -> bool:
    """gunicorn saves uploads; a Celery worker opens them. Beat and migrate do neither."""
    words = [Path(word).name for word in command]
    return "gunicorn" in words or ("celery" in words and "worker" in words)


def _mounts(service: dict) -> dict[str, str]:
    """target -> source of each volume the service mounts (short or long syntax)."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        mounts[target] = source
    return mounts


def test_every_service_that_opens_uploads_mounts_the_shared_media_volume():
    compose = _compose()
    assert "media" in compose["volumes"]
    checked = []
    for name, service in compose["services"].items():
        if not _opens_uploads(_command(service)):
            continue
        media_root = service.get("environment", {}).get("MEDIA_ROOT")
        assert media_root, f"{name}: MEDIA_ROOT is not set"
        assert _mounts(service).get(media_root) == "media", (
            f"{name} opens uploads but does not mount the 'media' volume at {media_root}"
        )
        checked.append(name)
    # web (the image's gunicorn) and at least one worker, however the workers are split.
    assert "web" in checked and any(name != "web" for name in checked), checked


def test_the_check_notices_a_worker_without_the_volume():
    lonely = {"build": ".", "command": ["celery", "-A", "justsend_panel", "worker"],
              "environment": {"MEDIA_ROOT": "/app/var/media"}, "volumes": ["other:/data"]}
    assert _opens_uploads(_command(lonely))
    assert _mounts(lonely).get("/app/var/media") != "media"
    beat = {"build": ".", "command": "celery -A justsend_panel beat"}
    assert not _opens_uploads(_command(beat))
