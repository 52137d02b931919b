"""SMS.by's API, simulated in the sandbox process under ``/smsby/api/v1/``.

Same port, clock, fault switches and request log as the Justsend sandbox; its own token
(``SMSBY_SANDBOX_TOKEN``), taken only where the manual places it. See :mod:`.simulator`
for the state and lifecycle and :mod:`.api` for what is refused.
"""

from .api import PREFIX, ROUTES, token
from .simulator import SmsBySimulator

__all__ = ["PREFIX", "ROUTES", "SmsBySimulator", "token"]
