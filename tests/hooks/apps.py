import os
import time
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


def _stall_after_submit(sender, **kwargs):
    """Hang between Justsend's answer and the commit (the lease still renewed by its
    thread) until the test kills the process with SIGKILL."""
    while True:
        time.sleep(60)


def _activity_write(state: str) -> None:
    """Record whether a task is running, and since when, for the test that waits for the
    worker to settle (``tests.fixtures.worker``)."""
    path = Path(os.environ["PANEL_TEST_WORKER_ACTIVITY"])
    part = path.with_suffix(".part")
    part.write_text(f"{state} {time.monotonic()}")
    os.replace(part, path)


def _task_started(**kwargs):
    _activity_write("busy")


def _task_ended(**kwargs):
    _activity_write("idle")


HOOKS = {
    "stall_after_submit": ("campaigns.signals.submission_answered", _stall_after_submit),
}
# Celery's signals, connected in every worker a test starts with PANEL_TEST_WORKER_ACTIVITY.
ACTIVITY = (
    ("celery.signals.task_prerun", _task_started),
    ("celery.signals.task_postrun", _task_ended),
)


class TestHooksConfig(AppConfig):
    name = "tests.hooks"
    label = "test_hooks"

    def ready(self):
        from django.utils.module_loading import import_string

        for name in settings.PANEL_TEST_HOOKS:
            signal_path, receiver = HOOKS[name]
            import_string(signal_path).connect(receiver, dispatch_uid=f"test-hook-{name}")
        if os.environ.get("PANEL_TEST_WORKER_ACTIVITY"):
            for signal_path, receiver in ACTIVITY:
                import_string(signal_path).connect(receiver, weak=False)
