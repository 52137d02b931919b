import time

from django.apps import AppConfig
from django.conf import settings


def _stall_after_submit(sender, **kwargs):
    """Hang between Justsend's answer and the commit (the lease still renewed by its
    thread) until the test kills the process with SIGKILL."""
    while True:
        time.sleep(60)


HOOKS = {
    "stall_after_submit": ("campaigns.signals.submission_answered", _stall_after_submit),
}


class TestHooksConfig(AppConfig):
    name = "tests.hooks"
    label = "test_hooks"

    def ready(self):
        from django.utils.module_loading import import_string

        for name in settings.PANEL_TEST_HOOKS:
            signal_path, receiver = HOOKS[name]
            import_string(signal_path).connect(receiver, dispatch_uid=f"test-hook-{name}")
