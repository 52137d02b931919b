"""Signals of the campaign services.

``submission_answered`` is sent right after Justsend accepted a campaign's bulk and before
the panel records it: the one moment a dead worker leaves Justsend with a bulk the panel
does not know. Nothing in the panel listens; the integration tests' worker connects a
receiver there (``tests.hooks``, loaded only by ``justsend_panel.test_settings``) to die
at that moment and prove the recovery.
"""

from django.dispatch import Signal

# Sent with ``campaign_id`` and ``batch_id``.
submission_answered = Signal()
