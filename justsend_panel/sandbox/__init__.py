"""A local, stateful simulator of the Justsend REST API 3.0 (see ARCHITECTURE.md, "The sandbox").

``create_app(...)`` builds the WSGI application; ``python -m justsend_panel.sandbox`` serves
it; :func:`justsend_panel.sandbox.server.run_sandbox` runs it in a background thread for
tests. No Django in here: the sandbox stands for the outside world.
"""

from .app import SandboxApp, create_app

__all__ = ["SandboxApp", "create_app"]
