"""The panel's processes for the fault suite: started from `runpanel`'s own list
(`panel_processes`), each in its own process group so that a SIGKILL takes Celery's
prefork children with it; the sandbox's control API and state file; PostgreSQL + Redis."""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.localservices import (PostgresCluster, RedisServer, database_create, database_drop,
                                 free_port)

ROOT = Path(__file__).resolve().parents[1]
# SMS.by's recipients per mailing (sendBulkSms) in the panel under test: a fault case's
# audience goes in 10 to 20 mailings, so a kill or a storm lands between them.
SMSBY_MAILING_SIZE = 100


def wait_for(predicate, *, timeout: float, interval: float = 0.2):
    """The first truthy value of ``predicate()`` within ``timeout`` seconds, else None."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Services:
    """PostgreSQL (DATABASE_URL's server, or a throwaway cluster) and an own redis-server."""

    def __init__(self, work: Path):
        self.work = work
        self.cluster: PostgresCluster | None = None
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith("postgres"):
            self.cluster = PostgresCluster(work)
            server = self.cluster.url
        self.server_url = server
        # Its own Redis always: the suite restarts it mid-run.
        self.redis = RedisServer(work / "redis")
        self.database_url = ""

    def start(self) -> Services:
        if self.cluster:
            self.cluster.start()
        self.database_url = database_create(self.server_url, f"faults_{os.getpid()}")
        self.redis.start()
        return self

    def stop(self, *, keep: bool = False) -> None:
        """Stop the servers; ``keep``: leave the database (and a throwaway cluster) up."""
        self.redis.stop()
        if keep:
            print(f"# kept: {self.database_url}", flush=True)
            return
        if self.database_url:
            try:
                database_drop(self.database_url)
            except Exception as error:  # the cluster may be gone already
                print(f"# could not drop {self.database_url}: {error}", file=sys.stderr)
        if self.cluster:
            self.cluster.stop()


class Panel:
    """web, worker(s), beat and the sandbox as `runpanel` starts them, in ``work``."""

    def __init__(self, work: Path, services: Services):
        self.work = work
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.sandbox_port = free_port()
        self.sandbox_key = secrets.token_urlsafe(24)
        self.webhook_secret = secrets.token_urlsafe(24)
        self.sandbox_state = work / "sandbox.sqlite3"
        self.web_access_log = self.logs / "web-access.log"
        # The environment of every process, and of this one (Django in the harness reads
        # the same database); no .env value can leak in: each one is set here.
        self.env = {
            "DJANGO_SETTINGS_MODULE": "justsend_panel.settings",
            "PANEL_ENV": "development", "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": services.database_url,
            "CELERY_BROKER_URL": services.redis.url,
            "CACHE_URL": services.redis.url.rsplit("/", 1)[0] + "/1",
            "MEDIA_ROOT": str(work / "media"),
            "JUSTSEND_APP_KEY": "", "JUSTSEND_API_URL": f"http://127.0.0.1:{self.sandbox_port}/api",
            "JUSTSEND_SANDBOX_PORT": str(self.sandbox_port),
            "JUSTSEND_SANDBOX_APP_KEY": self.sandbox_key,
            "JUSTSEND_WEBHOOK_SECRET": self.webhook_secret,
            "JUSTSEND_TIMEOUT": "10",
            # SMS Manager on its simulator in the same sandbox (its own key and secret).
            "SMSMANAGER_API_KEY": "",
            "SMSMANAGER_API_URL": f"http://127.0.0.1:{self.sandbox_port}/smsmanager/v2",
            "SMSMANAGER_SANDBOX_API_KEY": secrets.token_urlsafe(24),
            "SMSMANAGER_WEBHOOK_SECRET": secrets.token_urlsafe(24),
            "SMSMANAGER_TIMEOUT": "10",
            # JustCall on its simulator in the same sandbox (its own key and secret).
            "JUSTCALL_API_KEY": "",
            "JUSTCALL_API_URL": f"http://127.0.0.1:{self.sandbox_port}/justcall/v2",
            "JUSTCALL_SANDBOX_API_KEY": secrets.token_urlsafe(24),
            "JUSTCALL_SANDBOX_API_SECRET": secrets.token_urlsafe(24),
            "JUSTCALL_WEBHOOK_SECRET": secrets.token_urlsafe(24),
            "JUSTCALL_TIMEOUT": "10",
            # SMS.by on its simulator in the same sandbox (its own token).
            "SMSBY_TOKEN": "",
            "SMSBY_API_URL": f"http://127.0.0.1:{self.sandbox_port}/smsby/api/v1",
            "SMSBY_SANDBOX_TOKEN": secrets.token_urlsafe(24),
            "SMSBY_TIMEOUT": "10",
            "SMSBY_MAILING_SIZE": str(SMSBY_MAILING_SIZE),
            "PANEL_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            # The send-rate windows every worker shares, in the work folder (not var/).
            "RATE_LIMIT_STORAGE_URL": f"sqlite://{work.resolve() / 'rate-limits.sqlite3'}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "INFO",
        }
        os.environ.update(self.env)
        self.commands: dict[str, tuple[list[str], dict[str, str]]] = {}
        self.processes: dict[str, subprocess.Popen] = {}

    def setup(self) -> None:
        """Migrate, then read the process list from `runpanel` (Django set up here)."""
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT,
                       env={**os.environ}, check=True)
        import django

        django.setup()
        from justsend_panel.core.management.commands.runpanel import panel_processes

        for name, command, extra_env in panel_processes(host="127.0.0.1", port=self.port):
            argv = shlex.split(command)
            if name == "sandbox":
                # Its own state file (runpanel's is var/sandbox.sqlite3 of the checkout).
                argv[argv.index("--state") + 1] = str(self.sandbox_state)
            if name == "web":
                # Status and method only: the webhook path holds the secret.
                argv += ["--access-logfile", str(self.web_access_log),
                         "--access-logformat", "%(s)s %(m)s"]
            self.commands[name] = (argv, extra_env)

    @property
    def worker_names(self) -> list[str]:
        return [name for name in self.commands if name.startswith("worker")]

    def start(self, name: str) -> None:
        argv, extra_env = self.commands[name]
        log = open(self.logs / f"{name}.log", "a")
        log.write(f"\n==== started at {time.strftime('%H:%M:%S')}\n")
        log.flush()
        self.processes[name] = subprocess.Popen(
            argv, cwd=ROOT, env={**os.environ, **extra_env}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)
        self.wait_ready(list(self.commands))

    def wait_ready(self, names: list[str], timeout: float = 90) -> None:
        for name in names:
            ready = {
                "web": lambda: _port_open(self.port),
                "sandbox": lambda: _port_open(self.sandbox_port),
            }.get(name, lambda n=name: self._log_says(n, " ready."))
            if name == "beat":
                ready = lambda: self._log_says("beat", "beat: Starting")  # noqa: E731
            if not wait_for(ready, timeout=timeout):
                raise RuntimeError(f"{name} did not start; its log:\n{self.log_tail(name)}")

    def _log_says(self, name: str, text: str) -> bool:
        content = (self.logs / f"{name}.log").read_text(errors="replace")
        return text in content.rsplit("==== started at", 1)[-1]

    def kill(self, name: str) -> None:
        """SIGKILL to the whole process group: the main process and its children."""
        process = self.processes.get(name)
        if process and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()

    def kill_workers(self) -> None:
        for name in self.worker_names:
            self.kill(name)

    def restart_workers(self) -> None:
        for name in self.worker_names:
            self.start(name)
        self.wait_ready(self.worker_names)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def log_tail(self, name: str, lines: int = 15, *, notable: bool = False) -> str:
        """The log's last lines (``notable``: only warnings, errors and tracebacks)."""
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        text = path.read_text(errors="replace").replace(self.webhook_secret, "<secret>") \
            .replace(self.env["SMSMANAGER_WEBHOOK_SECRET"], "<secret>")
        kept = text.splitlines()
        if notable:
            kept = [line for line in kept if any(
                word in line for word in (" WARNING ", " ERROR ", " CRITICAL ", "Error",
                                          "Traceback", "==== started"))]
        return "\n".join(kept[-lines:])

    def errors_500(self) -> int:
        if not self.web_access_log.exists():
            return 0
        return sum(1 for line in self.web_access_log.read_text().splitlines()
                   if line.startswith("5"))

    # -- the sandbox -----------------------------------------------------------------------

    def control(self, method: str, path: str, **kwargs):
        response = httpx.request(
            method, f"http://127.0.0.1:{self.sandbox_port}/_sandbox/{path}",
            headers={"App-Key": self.sandbox_key}, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def faults(self, **switches) -> None:
        self.control("POST", "faults", json=switches)

    def faults_off(self) -> None:
        self.faults(rate_429=0, rate_500=0, latency_ms=0, timeout=False)

    def sandbox_rows(self, sql: str, params=()) -> list[tuple]:
        """Read the sandbox's state file (read-only, beside its own writes)."""
        conn = sqlite3.connect(f"file:{self.sandbox_state}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/justsend/{self.webhook_secret}/"
