"""Run every benchmark in bench/, on PostgreSQL.

    .venv/bin/python -m bench            # full size (make bench): figures into docs/benchmarks.md
    .venv/bin/python -m bench --smoke    # ~10,000 rows each (make bench-smoke, CI): prints only

Each benchmark runs in its own process on its own database (made on the server of
DATABASE_URL, or on a throwaway cluster when it is unset) and exits non-zero when it
breaks; this runner exits 1 if any did, so a benchmark that rots fails CI. The full run
appends a dated section with the machine and, per benchmark, the previous `make bench`
figures to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.localservices import PostgresCluster, ServiceMissing, database_create, database_drop

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## `make bench`: "


@dataclass(frozen=True)
class Benchmark:
    name: str
    full: tuple[str, ...]
    smoke: tuple[str, ...]
    database: str  # "server" (the benchmark makes its databases), "db" (one given), "own"


BENCHMARKS = (
    Benchmark("campaign_send", (), ("--sizes", "10000", "--blacklist", "2000"), "server"),
    # SMS Manager's simulator at 50 calls/s: 10,000 and 100,000 (memory flat between them).
    Benchmark("smsmanager_send", (), ("--sizes", "2000"), "server"),
    # JustCall's simulator, one call per recipient, 10,000 and 100,000 at 40 calls/s (the
    # 100,000 run takes about 45 minutes): see docs/benchmarks.md for the chosen limit.
    Benchmark("justcall_send", ("--rate", "40", "--one-thread"), ("--sizes", "500"), "server"),
    # SMS.by's simulator, 1,000-recipient mailings (SMSBY_MAILING_SIZE's default); the smoke
    # size in 100-recipient mailings so that it makes 20 calls.
    Benchmark("smsby_send", ("--rate", "2", "--one-thread"),
              ("--sizes", "2000", "--mailing-size", "100", "--rate", "10"), "server"),
    Benchmark("campaign_report", (), ("--recipients", "10000"), "db"),
    Benchmark("contacts_import", (), ("--rows", "10000"), "db"),
    Benchmark("contacts_pages", (), ("--members", "10000", "--blacklist", "2000",
                                     "--repeat", "2"), "db"),
    Benchmark("contacts_push", (), ("--members", "10000", "--chunks", "1000,5000"), "db"),
    Benchmark("audit_pages", (), ("--entries", "10000", "--repeat", "2"), "db"),
    # Starts its own PostgreSQL cluster (it reads the server's CPU from /proc).
    Benchmark("postbacks", (), ("--seconds", "3", "--recipients", "10000"), "own"),
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() \
            else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (f"{platform.node()}, {cpu}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")


def commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                         capture_output=True)
    return run.stdout.strip() or "unknown"


def previous_figures(doc: str, name: str) -> str | None:
    """The block of ``name`` in the last `make bench` section of the document, if any."""
    sections = doc.split(SECTION)
    for section in reversed(sections[1:]):
        match = re.search(rf"^### {re.escape(name)}\n(.*?)(?=^### |\Z)", section, re.M | re.S)
        if match:
            return match.group(1).strip()
    return None


def section_render(*, when: str, machine_line: str, revision: str,
                   results: list[tuple[str, int, str]], doc: str) -> str:
    lines = [f"{SECTION}{when}", "", f"Machine: {machine_line}. Commit `{revision}`.", ""]
    for name, returncode, output in results:
        lines += [f"### {name}", "", f"`.venv/bin/python -m bench.{name}` "
                  + ("" if returncode == 0 else f"**failed (exit {returncode})** ")
                  + "— now:", "", "```", output.strip(), "```", ""]
        previous = previous_figures(doc, name)
        if previous:
            lines += ["Previous `make bench` run:", "", *[
                "> " + line if line else ">" for line in previous.splitlines()], ""]
        else:
            lines += ["Previous: none by `make bench` (see the sections above).", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="~10,000 rows each, print only")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only.split(",")]
    work = Path(tempfile.mkdtemp(prefix="justsend-bench."))
    cluster = None
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        try:
            cluster = PostgresCluster(work).start()
        except ServiceMissing as error:
            sys.exit(f"make bench needs PostgreSQL: {error}")
        server = cluster.url
    print(f"# {machine()}; {'smoke' if args.smoke else 'full size'}", flush=True)
    results = []
    try:
        for bench in chosen:
            command = [sys.executable, "-m", f"bench.{bench.name}",
                       *(bench.smoke if args.smoke else bench.full)]
            url = None
            if bench.database == "server":
                command += ["--database", server]
            elif bench.database == "db":
                url = database_create(server, f"bench_{bench.name}")
                command += ["--database-url", url]
            print(f"\n## {bench.name}: {' '.join(command[1:])}", flush=True)
            started = time.monotonic()
            run = subprocess.run(command, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
            print(run.stdout, end="", flush=True)
            print(f"# {bench.name}: exit {run.returncode} in {time.monotonic() - started:.0f} s",
                  flush=True)
            results.append((bench.name, run.returncode, run.stdout))
            if url:
                database_drop(url)
    finally:
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    failed = [name for name, code, _ in results if code]
    if not args.smoke:
        doc = DOC.read_text()
        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        DOC.write_text(doc.rstrip() + "\n\n" + section_render(
            when=when, machine_line=machine(), revision=commit(), results=results, doc=doc))
        print(f"\nFigures appended to {DOC.relative_to(ROOT)}.")
    if failed:
        sys.exit(f"benchmarks that failed: {', '.join(failed)}")
    print(f"\nAll {len(results)} benchmarks ran.")


if __name__ == "__main__":
    main()
