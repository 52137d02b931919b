"""The worker supervisor: a command that dies on its own starts again; SIGTERM ends it."""

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
