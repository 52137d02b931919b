"""Benchmark: the sandbox takes a recipients file of N rows through ``POST /upload/bulk``.

    .venv/bin/python bench/sandbox_upload.py                  # 200,000 rows
    .venv/bin/python bench/sandbox_upload.py --rows 1000000

A sandbox (manual clock, state under a temporary directory) runs in this process's thread;
an STANDARD ECO bulk of N Polish numbers is uploaded over loopback HTTP. Prints the seconds
from the request to the 201, the rows per second and this process's CPU seconds (the client
and the sandbox share it). The test of the same upload (tests/sandbox/test_upload.py) checks
what the sandbox stores, not how fast.
"""

import argparse
import io
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from justsend_panel.sandbox.server import run_sandbox  # noqa: E402

REQUEST = {"name": "bench-upload", "bulkType": "STANDARD", "bulkVariant": "ECO", "message": "Hello from Justsend",
           "sendDate": "2025-10-17T10:00:00+02:00"}
POINTS_PER_SMS = 7


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    csv_bytes = "".join(f"48{600000000 + i}\n" for i in range(args.rows)).encode()
    with tempfile.TemporaryDirectory() as tmp, run_sandbox(tmp_dir=tmp, clock="manual") as sandbox:
        sandbox.set_balance(balance=args.rows * POINTS_PER_SMS)
        with sandbox.client(timeout=600) as api:
            cpu = _cpu_seconds()
            started = time.perf_counter()
            response = api.post("upload/bulk", files={
                "request": ("blob", json.dumps(REQUEST), "application/json"),
                "file": ("recipients.csv", io.BytesIO(csv_bytes), "text/csv"),
            })
            elapsed = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu
            response.raise_for_status()
            recipients = api.get(f"overview/bulks/{response.json()['id']}").json()["recipientsCount"]
    print(f"{platform.python_version()} on {platform.machine()}, {args.rows:,} rows ({len(csv_bytes):,} bytes)")
    print(f"upload answered 201 in {elapsed:.2f} s ({args.rows / elapsed:,.0f} rows/s), "
          f"CPU {cpu:.2f} s (client + sandbox), {recipients:,} recipients stored")
    if not recipients or recipients != args.rows:
        sys.exit(f"sandbox_upload FAILED: {recipients:,} recipients stored of {args.rows:,}")


if __name__ == "__main__":
    main()
