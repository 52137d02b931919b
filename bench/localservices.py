"""Throwaway PostgreSQL and Redis servers on free loopback ports, for `make bench` and
`make faults` on a machine where DATABASE_URL / CELERY_BROKER_URL are not set.

Debian's binaries: PostgreSQL from /usr/lib/postgresql/<version>/bin (apt package
`postgresql`), `redis-server` on PATH (apt package `redis-server`). PostgreSQL refuses to
run as root, so under root the cluster belongs to the `postgres` user, as in `.ci/run`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MISSING_HELP = "install them with: apt-get install -y postgresql redis-server"


class ServiceMissing(RuntimeError):
    """A server binary this machine does not have."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: str) -> list[str]:
    return ["su", "postgres", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]


class PostgresCluster:
    """`initdb` into ``directory``, started with fsync off (as CI), stopped with stop()."""

    def __init__(self, directory: Path):
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not binaries:
            raise ServiceMissing(f"PostgreSQL is not installed; {MISSING_HELP}")
        self.bin = binaries[-1].parent
        self.directory = directory
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresCluster:
        data = self.directory / "pg"
        data.mkdir(parents=True)
        if os.geteuid() == 0:
            for path in (self.directory, data):
                shutil.chown(path, "postgres")
        subprocess.run(_as_postgres(
            f"{self.bin}/initdb -D {data} -U postgres --auth=trust -E UTF8 >/dev/null"), check=True)
        subprocess.run(_as_postgres(
            f"{self.bin}/pg_ctl -D {data} -l {self.directory}/pg.log -w start -o '-p {self.port}"
            f" -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=300'"), check=True, stdout=subprocess.DEVNULL)
        return self

    def stop(self) -> None:
        subprocess.run(_as_postgres(f"{self.bin}/pg_ctl -D {self.directory / 'pg'} stop"
                                    " -m immediate"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def database_create(server_url: str, name: str) -> str:
    """A fresh database ``name`` on the server of ``server_url``; returns its URL."""
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_drop(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


class RedisServer:
    """A redis-server without persistence; restart() keeps its port (a broker outage)."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise ServiceMissing(f"redis-server is not installed; {MISSING_HELP}")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        log = open(self.directory / "redis.log", "a")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self, *, down_seconds: float = 0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()
