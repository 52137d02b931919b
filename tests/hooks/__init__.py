"""Test-only hooks for the worker processes integration tests start.

``justsend_panel.test_settings`` installs this app only when ``PANEL_TEST_HOOKS`` names
hooks (comma-separated); production settings never load it, so no crash code is reachable
from the panel itself. Each hook connects to a signal the services send anyway.
"""
