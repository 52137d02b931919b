"""gunicorn's control socket lives in the checkout's var/, not in the account's home, for
`make run` and for the image alike (issue 13, point 15)."""

import shlex
from pathlib import Path

from django.conf import settings
from gunicorn.app.wsgiapp import WSGIApplication

from justsend_panel.core.management.commands.runpanel import panel_processes
from tests.test_docker_compose import image_command

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn_config(monkeypatch, argv: list[str]):
    """The configuration gunicorn builds from this command line (config file included)."""
    monkeypatch.setattr("sys.argv", ["gunicorn", *argv])
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


def test_runpanel_web_process_puts_the_control_socket_under_var(monkeypatch, tmp_path):
    processes = panel_processes(host="127.0.0.1", port=8000)
    command = {name: line for name, line, _env in processes}
    arguments = shlex.split(command["web"])
    assert arguments[1:3] == ["-m", "gunicorn"]
    monkeypatch.chdir(tmp_path)  # the config is found by its path, wherever the run starts
    config = _gunicorn_config(monkeypatch, arguments[3:])
    assert config.control_socket == str(settings.BASE_DIR / "var" / "gunicorn.ctl")
    assert not config.control_socket_disable


def test_the_image_command_reads_the_same_config(monkeypatch):
    arguments = image_command()
    assert arguments[0] == "gunicorn"
    monkeypatch.chdir(ROOT)  # the image's WORKDIR holds the checkout
    config = _gunicorn_config(monkeypatch, arguments[1:])
    assert config.control_socket == str(ROOT / "var" / "gunicorn.ctl")
