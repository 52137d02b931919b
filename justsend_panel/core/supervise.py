"""Run a command and start it again when it dies on its own.

`make run` starts each Celery worker through this, as docker-compose's
``restart: unless-stopped`` does for production: a worker that ends with an error (seen:
kombu's "Unrecoverable error" while Redis restarts) is back within seconds instead of
leaving its queues unserved. A SIGTERM or SIGINT (Ctrl-C through honcho) is passed on and
ends the loop; an exit with status 0 ends it too.

    python -m justsend_panel.core.supervise <command> [args…]
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

# Restarts back off from 1 s to this, and start again from 1 s after a minute of running.
BACKOFF_MAX = 30.0
STEADY_SECONDS = 60.0


def supervise(argv: list[str], *, sleep=time.sleep) -> int:
    child: subprocess.Popen | None = None
    stopping = False

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    delay = 1.0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        code = child.wait()
        if stopping or code == 0:
            return code
        if time.monotonic() - started > STEADY_SECONDS:
            delay = 1.0
        print(f"supervise: {' '.join(argv[:4])}… ended with status {code}; "
              f"starting it again in {delay:.0f} s", file=sys.stderr, flush=True)
        sleep(delay)
        if stopping:
            return code
        delay = min(delay * 2, BACKOFF_MAX)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m justsend_panel.core.supervise <command> [args…]")
    sys.exit(supervise(sys.argv[1:]))
