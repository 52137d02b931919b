"""The worker supervisor: a command that dies on its own starts again; SIGTERM ends it."""

import os
import re
import signal
import subprocess
import sys
import time

SCRIPT = """
import pathlib, sys
runs = pathlib.Path(sys.argv[1])
count = int(runs.read_text() or 0) + 1 if runs.exists() else 1
runs.write_text(str(count))
sys.exit(0 if count >= 3 else 3)
"""


def test_a_command_that_fails_is_started_again_until_it_ends_well(tmp_path, monkeypatch):
    from justsend_panel.core import supervise

    runs = tmp_path / "runs"
    waits = []
    code = supervise.supervise([sys.executable, "-c", SCRIPT, str(runs)], sleep=waits.append)
    assert (code, runs.read_text(), waits) == (0, "3", [1.0, 2.0])


def test_sigterm_is_passed_on_and_nothing_starts_again(tmp_path):
    started = tmp_path / "started"
    child = (f"import pathlib, time; p = pathlib.Path({str(started)!r}); "
             "p.write_text(p.read_text() + 'x' if p.exists() else 'x'); time.sleep(60)")
    process = subprocess.Popen([sys.executable, "-m", "justsend_panel.core.supervise",
                                sys.executable, "-c", child])
    deadline = time.monotonic() + 30
    while not started.exists():
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) != 0  # the child ended by the signal, not restarted
    assert started.read_text() == "x"


RUNNER = """
import os, sys
import django
django.setup()
from honcho.printer import Printer
from justsend_panel.core.management.commands.runpanel import PanelManager, panel_processes
manager = PanelManager(Printer(sys.stdout))
for name, command, extra in panel_processes(host="127.0.0.1", port=8999):
    if name == "worker-fast":
        manager.add_process(name, command + " -I tests.core.slow_task",
                            env={**os.environ, **extra})
manager.loop()
sys.exit(manager.returncode)
"""
SENDER = """
import django
django.setup()
from justsend_panel.celery import app
app.send_task("tests.slow", kwargs={"seconds": 6}, queue="default")
"""


def _wait_for(path, text, process, timeout=90):
    deadline = time.monotonic() + timeout
    while text not in path.read_text(errors="replace"):
        assert process.poll() is None, path.read_text(errors="replace")
        assert time.monotonic() < deadline, f"no {text!r} in:\n{path.read_text()}"
        time.sleep(0.2)


def test_ctrl_c_of_the_panel_lets_the_worker_finish_its_task_without_errors(tmp_path):
    """Issue 15 point 19: honcho sent SIGTERM to each process group, so Celery's pool
    processes died mid-task ("ERROR/MainProcess Process 'ForkPoolWorker-1' exited with
    'signal 15'"), then SIGKILL after 5 s. `runpanel`'s manager, as on Ctrl-C: the worker
    (prefork, through its supervisor) gets a warm shutdown and ends its running task."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "justsend_panel.settings",
        "PANEL_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FS_BROKER_DIR": str(tmp_path / "broker"),
        "JUSTSEND_APP_KEY": "",
    }
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        runner = subprocess.Popen([sys.executable, "-c", RUNNER], cwd=settings.BASE_DIR,
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(log, " ready.", runner)
        subprocess.run([sys.executable, "-c", SENDER], cwd=settings.BASE_DIR, env=env,
                       check=True, timeout=60)
        _wait_for(log, "Task tests.slow[", runner)
        runner.send_signal(signal.SIGINT)  # Ctrl-C reaches honcho only (children: own sessions)
        runner.wait(timeout=60)  # within the grace: honcho never sends SIGKILL
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    text = log.read_text(errors="replace")
    assert "Warm shutdown" in text and "worker-fast stopped (rc=0)" in text
    assert re.search(r"Task tests\.slow\[[^\]]+\] succeeded", text), text
    assert "ERROR" not in text and "Traceback" not in text and "SIGKILL" not in text, text
