"""Run the whole panel on one machine: web server, Celery workers, Celery beat, and the
sandbox when a provider (Justsend, SMS Manager) has no credentials configured. One log,
Ctrl-C stops everything."""

import os
import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse
import honcho.manager
from honcho.compat import ProcessManager
from honcho.manager import Manager
from honcho.printer import Printer

from justsend_panel.core.envfile import env_file_complete
from justsend_panel.core.provider import provider_registry
from justsend_panel.core.services import first_admin_ensure
from justsend_panel.sms.base import Mode
from justsend_panel.sms.registry import backend_class


class Command(BaseCommand):
    help = "Start web, worker, beat (and the sandbox when a provider has no credentials)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, port: int, host: str, **options):
        added = env_file_complete(path=settings.BASE_DIR / ".env")
        if added:
            self.stdout.write(f"Wrote {', '.join(added)} to .env (kept for the next runs).")
            # Settings were read before the file had them: start again with them.
            os.execv(sys.executable, [sys.executable, *sys.argv])

        call_command("migrate", interactive=False, verbosity=1)
        username, password = first_admin_ensure(
            username=os.environ.get("DJANGO_SUPERUSER_USERNAME"),
            password=os.environ.get("DJANGO_SUPERUSER_PASSWORD"),
        )
        if password:
            self.stdout.write(
                self.style.WARNING(
                    f"Created the first administrator: user '{username}', password '{password}'."
                    " It is shown only this once; change it after logging in."
                )
            )

        manager = PanelManager(Printer(sys.stdout))
        for name, command, extra_env in panel_processes(host=host, port=port):
            manager.add_process(name, command, env={**os.environ, **extra_env})
        self.stdout.write(f"Justsend Panel: http://{host}:{port}/")
        for line in provider_lines():
            self.stdout.write(line)
        manager.loop()
        sys.exit(manager.returncode)


# How long Ctrl-C waits for the processes to stop by themselves before SIGKILL: a worker's
# warm shutdown lets its running tasks end (a sync or import slice lasts SYNC_SLICE_SECONDS,
# 5 s; a submit or a postback batch a few seconds). A task still running then is killed
# unacknowledged (every task is acks_late): the broker delivers it again and the work it
# had claimed is handed on when its lease lapses.
STOP_GRACE_SECONDS = 30


class LeaderOnlyProcessManager(ProcessManager):
    """SIGTERM to a process itself, not to its whole process group as honcho does.

    Celery's pool processes share the worker's group: a group SIGTERM kills each in the
    middle of its task (logged as ERROR, the task lost) while the worker was starting a
    warm shutdown. Signalled alone, the worker (through its supervisor), gunicorn's master
    and beat stop their own children in order. SIGKILL still goes to the group.
    """

    def terminate(self, pid):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


class PanelManager(Manager):
    def __init__(self, printer=None):
        super().__init__(printer)
        self._procmgr = LeaderOnlyProcessManager()

    def add_process(self, name, cmd, **kwargs):
        # honcho runs each command through /bin/sh -c; exec makes the command the process
        # that honcho signals, instead of a shell that would die and leave it running.
        return super().add_process(name, f"exec {cmd}", **kwargs)

    def loop(self):
        # honcho reads its SIGKILL delay from this module constant (5 s: less than a task).
        honcho.manager.KILL_WAIT = STOP_GRACE_SECONDS
        super().loop()


# Worker name -> the queues it consumes (the fault suite kills workers by these names).
WORKER_QUEUES = {
    "worker-fast": "sending,postbacks,default",
    "worker-bulk": "imports,sync",
}


def provider_lines() -> list[str]:
    """One line per provider: live or simulated, and where it is reached (never a key)."""
    lines = []
    for config in provider_registry():
        label = backend_class(config.name).label or config.name
        if config.mode is Mode.SIMULATOR:
            lines.append(f"{label}: simulated by the sandbox at {config.api_url}")
        elif config.mode is Mode.LIVE:
            lines.append(f"{label}: live, {config.api_url}")
        else:
            lines.append(f"{label}: off (no credentials)")
    return lines


def panel_public_url(*, host: str, port: int) -> str:
    """The panel's address as providers (the sandbox) reach it: PANEL_PUBLIC_URL, else ours."""
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return settings.PANEL_PUBLIC_URL or f"http://{reachable}:{port}"


def panel_processes(*, host: str, port: int, python: str = sys.executable):
    """(name, command line, extra environment) of every process of the panel.

    The one list `runpanel` and the fault suite (`python -m faults`) start; the suite
    starts, kills and restarts processes by these names. Every process gets
    PANEL_PUBLIC_URL (the callback URLs a worker gives a provider are built on it).
    """
    public = {"PANEL_PUBLIC_URL": panel_public_url(host=host, port=port)}
    yield (
        "web",
        f"{python} -m gunicorn justsend_panel.wsgi:application --bind {host}:{port}"
        f" --config {settings.BASE_DIR / 'gunicorn.conf.py'}"
        " --worker-class gthread --workers 2 --threads 4 --timeout 120",
        public,
    )
    # Two workers, so that a campaign submit, a cancel or a postback never waits behind
    # an import or a contacts push (see CELERY_TASK_ROUTES); two processes each fit the
    # two cores and the memory of a small machine.
    for name, queues in WORKER_QUEUES.items():
        yield (
            name,
            # Supervised: started again if it dies on its own (restart: in docker-compose).
            f"{python} -m justsend_panel.core.supervise"
            f" {python} -m celery -A justsend_panel worker --loglevel INFO --concurrency 2"
            f" -Q {queues} -n {name}@%h",
            public,
        )
    yield (
        "beat",
        f"{python} -m celery -A justsend_panel beat --loglevel INFO",
        public,
    )
    if any(c.mode is Mode.SIMULATOR for c in provider_registry()):
        # One sandbox process serves every simulated provider, each under its own path.
        sandbox_env = {
            "JUSTSEND_SANDBOX_APP_KEY": settings.JUSTSEND_SANDBOX_APP_KEY,
            "SMSMANAGER_SANDBOX_API_KEY": settings.SMSMANAGER_SANDBOX_API_KEY,
            "JUSTCALL_SANDBOX_API_KEY": settings.JUSTCALL_SANDBOX_API_KEY,
            "JUSTCALL_SANDBOX_API_SECRET": settings.JUSTCALL_SANDBOX_API_SECRET,
            "SMSBY_SANDBOX_TOKEN": settings.SMSBY_SANDBOX_TOKEN,
        }
        postback_url = _postback_url(host=host, port=port)
        if postback_url:
            # Through the environment: the URL holds the webhook secret, and a
            # command line is visible to every user of the machine.
            sandbox_env["JUSTSEND_SANDBOX_POSTBACK_URL"] = postback_url
        state = settings.VAR_DIR / "sandbox.sqlite3"
        yield (
            "sandbox",
            f"{python} -m justsend_panel.sandbox --host 127.0.0.1"
            f" --port {settings.JUSTSEND_SANDBOX_PORT} --state {state}",
            sandbox_env,
        )


def _postback_url(*, host: str, port: int) -> str | None:
    try:
        path = reverse(
            "justsend_webhook", kwargs={"secret": settings.JUSTSEND_WEBHOOK_SECRET}
        )
    except NoReverseMatch:
        return None  # the panel does not take postbacks yet
    return panel_public_url(host=host, port=port) + path
