"""The provider layer: the one door from the panel to an SMS provider.

Pure Python (no Django): provider-neutral types in :mod:`.types`, one error family in
:mod:`.exceptions`, and one package per provider (:mod:`.justsend` first).
"""

__version__ = "0.1.0"

# Below __version__ on purpose: the Justsend transport reads it for its User-Agent.
from justsend_panel.sms import exceptions  # noqa: E402
from justsend_panel.sms.exceptions import *  # noqa: E402, F403

__all__ = ["__version__", *exceptions.__all__]
