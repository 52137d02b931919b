"""gunicorn's configuration for the panel, read by `make run` (runpanel) and the image.

The command lines there keep the address and the worker counts; this file holds what
must be the same everywhere.
"""

from pathlib import Path

# gunicorn 25.1+ opens a control socket for `gunicornc`, by default one per user account
# ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): two panels started by one
# account on one machine would take over each other's. One per checkout instead, in its
# var/ (gitignored; gunicorn makes the folder if needed).
control_socket = str(Path(__file__).resolve().parent / "var" / "gunicorn.ctl")
