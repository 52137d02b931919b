"""What the provider send benchmarks share: a PERSONALIZED campaign through one provider's
simulator, paced at the Providers page's rate limit, measured in a worker process.

`bench.smsmanager_send`, `bench.justcall_send` and `bench.smsby_send` each describe their
provider in a :class:`ProviderBench` (the campaign's sender and options, the Providers
page's setting, the worker's environment, recipients per call, where the simulator keeps
the numbers it accepted) and call :func:`main` with it.

For each audience size: a fresh database (as `bench.campaign_send` makes it: one group of
N members with names), a queued PERSONALIZED campaign to the provider (one text per
recipient) and the Providers page's send-rate limit (``ProviderSetting.rate_limit``) set
to ``--rate`` calls per second. A child process runs the submit task's body
(`campaigns.submit`) as a worker would: every call recorded, paced (`core.pacing`, its
SQLite window), made to the simulator (a sandbox in this process) and its answer
recorded. No callback URL is given (no web process): the figures end at the last
accepted call.

Prints the seconds from launch to the last accepted call, the calls per second achieved
between the first call and the last answer against the limit (and the %), the worker's
CPU seconds and its peak memory (VmHWM). Exits non-zero only when a count is wrong
(recipients not all accepted once, calls not all answered).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.campaign_send import _environment, child_run, django_print, size_database
from bench.localservices import database_drop
from bench.procstat import peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class ProviderBench:
    provider: str
    recipients_per_call: int
    # The worker's settings for the provider's simulator in the running sandbox.
    environment: Callable[[object], dict[str, str]]
    # One row per message the simulator accepted, its number first (an E.164 "+" is dropped).
    accepted_sql: str
    campaign: dict = field(default_factory=dict)  # Campaign fields besides the provider
    setting: dict = field(default_factory=dict)  # ProviderSetting fields besides rate_limit

    @property
    def work(self) -> Path:
        return Path(f"/tmp/bench-{self.provider}-send")


def fill(size: int, provider: str, rate: float, campaign: dict, setting: dict) -> int:
    """The group and a queued campaign to it, to ``provider`` (bench.campaign_send's fill)."""
    from bench.campaign_send import _fill
    from campaigns.models import Campaign
    from justsend_panel.core.models import ProviderSetting

    campaign_id = _fill(size, 0)
    Campaign.objects.filter(pk=campaign_id).update(
        provider=provider, **{"provider_options": {}, **campaign})
    ProviderSetting.objects.update_or_create(provider=provider,
                                             defaults={"rate_limit": rate, **setting})
    return campaign_id


def child(campaign_id: int) -> None:
    """The worker's side: exactly what the campaigns.submit task runs."""
    from django.db.models import Count, Max, Min

    from campaigns.models import Campaign, ProviderCall, Recipient
    from campaigns.services import sending

    cpu_before = os.times()
    launched = time.time()
    sending.campaign_submit(campaign_id=campaign_id)
    elapsed = time.time() - launched
    cpu_after = os.times()
    campaign = Campaign.objects.get(pk=campaign_id)
    calls = ProviderCall.objects.filter(campaign=campaign).aggregate(
        count=Count("pk"), first=Min("created_at"), last=Max("answered_at"))
    states = dict(ProviderCall.objects.filter(campaign=campaign).values_list("state")
                  .annotate(n=Count("pk")))
    recipients = dict(Recipient.objects.filter(campaign=campaign).values_list("status")
                      .annotate(n=Count("pk")))
    first, last = calls["first"], calls["last"]
    print(json.dumps({
        "seconds": elapsed, "status": campaign.status, "failure": campaign.failure_reason,
        "to_last_answer": last.timestamp() - launched if last else None,
        "calls_span": (last - first).total_seconds() if first and last else None,
        "calls": calls["count"], "call_states": states, "recipients": recipients,
        "cpu": (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
        "max_rss_mb": peak_rss_mb(),
    }))


def problems(result: dict, *, size: int, per_call: int, accepted: list[str]) -> list[str]:
    """What is wrong with the counts of one run (nothing about its speed)."""
    found = []
    if result["status"] != "sending":
        found.append(f"campaign {result['status']}: {result['failure']}")
    if result["recipients"] != {"submitted": size}:
        found.append(f"recipients {result['recipients']}, expected {size:,} submitted")
    expected_calls = -(-size // per_call)
    if result["call_states"] != {"sent": expected_calls}:
        found.append(f"calls {result['call_states']}, expected {expected_calls:,} answered")
    if len(accepted) != size or len(set(accepted)) != size:
        found.append(f"the simulator accepted {len(accepted):,} messages to "
                     f"{len(set(accepted)):,} numbers, expected {size:,} once each")
    return found


def parser(description: str, *, rate: float) -> argparse.ArgumentParser:
    """The options every provider send benchmark takes (a module may add its own)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rate", type=float, default=rate,
                        help="the send-rate limit, calls per second (ProviderSetting.rate_limit)")
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' or a PostgreSQL server URL (a database per size is made)")
    parser.add_argument("--profile", metavar="DIR",
                        help="run the worker under cProfile, stats to DIR/worker-<size>.prof")
    parser.add_argument(
        "--one-thread", action="store_true",
        help="serve the simulator from one thread (the worker makes one call at a time):"
             " spares it a new thread per request")
    parser.add_argument(
        "--rate-storage", metavar="URL",
        help="the pacing window's `limits` storage URL, e.g. redis://127.0.0.1:6379/2 as in"
             " production (default: a SQLite file of its own per size, the embedded default)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    return parser


def main(bench: ProviderBench, args: argparse.Namespace) -> None:
    if args.child:
        child_run(child, args.child)
        return
    work = bench.work
    work.mkdir(parents=True, exist_ok=True)
    from justsend_panel.sandbox import server
    from justsend_panel.sandbox.server import run_sandbox

    if args.one_thread:
        server.build_server = lambda app, host, port: server.make_server(
            host, port, app, threaded=False, request_handler=server._QuietRequestHandler)

    postgres = args.database != "sqlite"
    per_call = bench.recipients_per_call
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{'PostgreSQL' if postgres else 'SQLite'}, pacing window "
          f"{(args.rate_storage or 'sqlite').split(':')[0]}, "
          f"{'one-thread' if args.one_thread else 'threaded'} simulator, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"| recipients | calls ({per_call:,} per call) | rate limit (calls/s) "
          "| launch -> last accepted call (s) | calls/s achieved | % of the limit "
          "| worker CPU (s) | peak worker memory (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        url = size_database(args.database, f"bench_{bench.provider}_send_{size}", work)
        window = work / f"rate-limits-{size}.sqlite3"
        window.unlink(missing_ok=True)
        env = {**os.environ, **_environment(url)}
        sandbox_dir = work / f"sandbox-{size}"
        for leftover in sandbox_dir.glob("sandbox.sqlite3*"):
            leftover.unlink()
        with run_sandbox(tmp_dir=sandbox_dir, clock="manual") as sandbox:
            campaign_id = int(django_print(
                "from bench.provider_send import fill; print(fill("
                f"{size}, {bench.provider!r}, {args.rate}, {bench.campaign!r}, "
                f"{bench.setting!r}))", env))
            env.update({
                "PANEL_ENV": "development", **bench.environment(sandbox),
                "PANEL_PUBLIC_URL": "",  # no web process: no callbacks
                "RATE_LIMIT_STORAGE_URL": args.rate_storage or f"sqlite://{window.resolve()}",
                "LOG_LEVEL": "WARNING",  # not a line per call
            })
            if args.profile:
                Path(args.profile).mkdir(parents=True, exist_ok=True)
                env["BENCH_PROFILE"] = str(Path(args.profile).resolve() / f"worker-{size}.prof")
            run = subprocess.run([sys.executable, "-m", "bench.provider_send", "--child",
                                  str(campaign_id)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 text=True)
            if run.returncode:
                sys.exit(f"the worker process failed with {run.returncode}")
            result = json.loads(run.stdout.strip().splitlines()[-1])
            numbers = {f"48{500000000 + i}" for i in range(size)}
            accepted = [number for number in (
                str(row[0]).lstrip("+") for row in sandbox.app.store.all(bench.accepted_sql))
                if number in numbers]
        if postgres:
            database_drop(url)
        wrong = problems(result, size=size, per_call=per_call, accepted=accepted)
        if wrong:
            print(f"| {size:,} | FAILED: {'; '.join(wrong)} |", flush=True)
            failed += 1
            continue
        achieved = result["calls"] / result["calls_span"] if result["calls_span"] else 0.0
        print(f"| {size:,} | {result['calls']:,} | {args.rate:g} "
              f"| {result['to_last_answer']:.1f} | {achieved:.1f} "
              f"| {100 * achieved / args.rate:.0f} % | {result['cpu']:.1f} "
              f"| {result['max_rss_mb']:.0f} |", flush=True)
    if failed:
        sys.exit(f"{failed} size(s) failed")


if __name__ == "__main__":
    main(None, parser(__doc__, rate=0).parse_args())  # the worker's side (--child) only
