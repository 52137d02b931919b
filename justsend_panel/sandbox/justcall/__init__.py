"""JustCall's SMS API v2, simulated in the sandbox process under ``/justcall/v2/``.

Same port, clock, fault switches and request log as the Justsend sandbox; its own
credentials (``JUSTCALL_SANDBOX_API_KEY`` and ``JUSTCALL_SANDBOX_API_SECRET``, sent as
``Authorization: key:secret``) and its own SMS-enabled From numbers
(``JUSTCALL_SANDBOX_NUMBERS``). See :mod:`.simulator` for the lifecycle and webhooks and
:mod:`.api` for what is refused.
"""

from .api import PREFIX, ROUTES, credentials
from .simulator import JustCallSimulator

__all__ = ["PREFIX", "ROUTES", "JustCallSimulator", "credentials"]
