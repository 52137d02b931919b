"""SMS Manager's JSON API v2, simulated in the sandbox process under ``/smsmanager/v2/``.

Same port, clock, fault switches and request log as the Justsend sandbox; its own API key
(``SMSMANAGER_SANDBOX_API_KEY``, the ``x-api-key`` header, or ``apikey`` in the query of
``GET /simple/message`` as the manual shows). See :mod:`.simulator` for the lifecycle and
notifications and :mod:`.api` for what is refused.
"""

from .api import PREFIX, ROUTES, api_key
from .simulator import SmsManagerSimulator

__all__ = ["PREFIX", "ROUTES", "SmsManagerSimulator", "api_key"]
