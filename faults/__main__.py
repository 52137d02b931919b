"""`python -m faults` (`make faults`): run every fault case, print the table, exit 1 when a
row fails (2 when PostgreSQL or Redis is not installed)."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.localservices import ServiceMissing
from faults.verdict import CaseResult, exit_code, table_render


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated case keys (see --list)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (logs) and the database")
    parser.add_argument(
        "--bounds", choices=("enforce", "report"), default="enforce",
        help="enforce: a recovery over its bound fails the case; report: it is printed as"
             " slow (CI, whose machine's speed is unknown); wrong outcomes fail either way")
    args = parser.parse_args()
    from faults import verdict

    verdict.BOUNDS = args.bounds

    from faults import cases, recorded_cases

    plan = {
        "rate": lambda panel, services: cases.case_rate_faults(panel),
        "kill-preparing": lambda panel, services: [cases.case_kill_preparing(panel)],
        "kill-call": lambda panel, services: [cases.case_kill_around_call(panel)],
        "kill-polling": lambda panel, services: [cases.case_kill_polling(panel)],
        "two-recoveries": lambda panel, services: [cases.case_two_recoveries(panel)],
        "kill-import": lambda panel, services: [
            cases.case_import_and_push(panel, kill=True, faults=False)],
        "kill-push": lambda panel, services: [
            cases.case_import_and_push(panel, kill="push", faults=False)],
        "kill-pull": lambda panel, services: [cases.case_kill_pull(panel)],
        "poison": lambda panel, services: [cases.case_poison_postbacks(panel)],
        "cancel": lambda panel, services: [cases.case_cancel_mid_send(panel)],
        "sm-rate": lambda panel, services: [recorded_cases.case_recorded_rate_faults(panel)],
        "sm-kill-call": lambda panel, services: [recorded_cases.case_recorded_kill_call(panel)],
        "sm-kill-hang": lambda panel, services: [
            recorded_cases.case_recorded_kill_call(panel, hang=True)],
        "jc-rate": lambda panel, services: [
            recorded_cases.case_recorded_rate_faults(panel, recorded_cases.JUSTCALL)],
        "jc-kill-call": lambda panel, services: [
            recorded_cases.case_recorded_kill_call(panel, simulated=recorded_cases.JUSTCALL)],
        "sb-rate": lambda panel, services: [
            recorded_cases.case_recorded_rate_faults(panel, recorded_cases.SMSBY)],
        "sb-kill-call": lambda panel, services: [
            recorded_cases.case_recorded_kill_call(panel, simulated=recorded_cases.SMSBY)],
        "sb-kill-hang": lambda panel, services: [
            recorded_cases.case_recorded_kill_call(panel, hang=True,
                                                   simulated=recorded_cases.SMSBY)],
        # Last: an outage these leave behind (a worker that no longer consumes after the
        # broker's restart) would otherwise fail every case after them.
        "sandbox-down": lambda panel, services: [cases.case_sandbox_down(panel)],
        "redis": lambda panel, services: [cases.case_redis_restart(panel, services.redis)],
    }
    if args.list:
        print("\n".join(plan))
        return 0
    chosen = [key for key in plan if not args.only or key in args.only.split(",")]

    work = Path(tempfile.mkdtemp(prefix="justsend-faults."))
    os.chmod(work, 0o755)  # the PostgreSQL cluster's owner writes beside it
    began = time.monotonic()
    print(f"# fault suite: {platform.node()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M %Z')}; work {work}",
          flush=True)
    from faults.harness import Panel, Services, wait_for

    try:
        services = Services(work)
    except ServiceMissing as error:
        print(f"make faults needs PostgreSQL and Redis: {error}", file=sys.stderr)
        return 2
    results: list[CaseResult] = []
    panel = None
    try:
        services.start()
        panel = Panel(work, services)
        panel.setup()
        panel.start_all()
        panel.control("POST", "balance", json={"balance": 10_000_000})
        print(f"# processes: {', '.join(panel.commands)}; ready in "
              f"{time.monotonic() - began:.0f} s", flush=True)
        for key in chosen:
            # A case starts once the sandbox has posted the last case's reports: its time
            # to recover is its own, not the tail of the one before.
            wait_for(lambda: not panel.sandbox_rows("SELECT COUNT(*) FROM outbox")[0][0],
                     timeout=300, interval=1)
            case_began = time.monotonic()
            try:
                rows = plan[key](panel, services)
            except Exception:
                rows = [CaseResult(key, notes=["the case crashed"],
                                   log_excerpt=traceback.format_exc())]
            for row in rows:
                print(f"# {row.case} ({time.monotonic() - case_began:.0f} s): "
                      f"{table_render([row]).splitlines()[-1]}", flush=True)
                if row.log_excerpt:
                    print(row.log_excerpt, flush=True)
            results += rows
    finally:
        if panel:
            panel.stop_all()
        services.stop(keep=args.keep)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(table_render(results))
    print(f"\nTotal: {time.monotonic() - began:.0f} s; "
          f"{sum(r.passed for r in results)} of {len(results)} cases passed.")
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
