"""Benchmark: postback ingestion with gunicorn and PostgreSQL, then applying what was stored.

    .venv/bin/python -m bench.postbacks                       # 60 s, gthread 2x8
    .venv/bin/python -m bench.postbacks --seconds 20 --workers 3 --threads 4 --connections 64

Run as root (it starts a throwaway PostgreSQL cluster as the ``postgres`` user, like
``.ci/run``) with ``wrk`` installed (``apt-get install -y wrk``). Steps:

1. initdb + start PostgreSQL on a free port in a new folder under /tmp, this run's own
   (fsync off, as in CI), migrate, and create one ECO_RESP campaign "at Justsend" with
   ``--recipients`` recipient rows;
2. start gunicorn (``--workers`` x ``--threads``, gthread) serving the panel, and wait until
   every worker has loaded it (its ``post_worker_init`` hook; an open port is not enough);
3. wrk posts distinct postbacks for ``--seconds``: each request one event, alternately a
   send status and a delivery status for the campaign's recipients (a Lua counter makes
   every body unique), with a fixed number of connections;
4. prints requests/s, p50/p90/p99 response times, and count in (2xx answers) against count
   stored (rows in the postback table): they must be equal;
5. applies the stored postbacks in this process, as the worker does, and prints events/s
   and the recipients' final statuses.

Exits non-zero when the run measured nothing (no answer, none accepted) or lost a
postback (answered 200, not stored); the folder is then kept for a look.

The worker is not running during the load (its tasks wait in a throwaway filesystem
broker): the figure is the webhook's, not the webhook's and the worker's on two cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.localservices import PostgresCluster, database_create, free_port
from bench.procstat import cpu_seconds, process_tree

ROOT = Path(__file__).resolve().parents[1]
# This run's own folder (cluster, broker, counts), made by main(): runs side by side never
# share one.
WORK = Path(tempfile.gettempdir())
# Seconds a gunicorn worker may take to load the panel (a loaded machine: 30 s and more).
BOOT_TIMEOUT = 300
SECRET = "bench-" + uuid.uuid4().hex
BULK_UUID = str(uuid.uuid4())

WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  recipients = tonumber(args[1])
  bulk = args[2]
  query = "?run=" .. args[3]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  n = n + 1
  local seq = tid * 100000000 + n
  -- a send status, then a delivery status, for the same recipient
  local r = (tid * 100003 + math.floor((n + 1) / 2)) % recipients
  local msisdn = 48500000000 + r
  local path, body
  if n % 2 == 1 then
    path = "send-status/"
    body = string.format('{"id":%d,"sender":"4777","msisdn":"%d","operator":"POLAND_PLAY","deliveryTime":%d,"uuid":"%s"}',
      seq, msisdn, 1790000000000 + seq, bulk)
  else
    path = "delivery-status/"
    body = string.format('{"id":%d,"sender":"4777","msisdn":"%d","operator":"POLAND_PLAY","deliveryTime":%d,"deliveryStatus":"MESSAGE_DELIVERED","ackId":%d,"uuid":"%s"}',
      seq, msisdn, 1790000005000 + seq, seq, bulk)
  end
  return wrk.format(nil, wrk.path .. path .. query, nil, body)
end
"""


GUNICORN_CONFIG = r"""
import os

# Not the per-user default (~/.gunicorn/gunicorn.ctl): another gunicorn would take it over.
control_socket_disable = True
_fds = {}


def post_worker_init(worker):
    # The worker has loaded the panel and answers from now on: the bench waits for all.
    open(os.path.join(READY, str(os.getpid())), "w").close()


def post_request(worker, req, environ, resp):
    # One byte per answer of the measured run: "2" for a 200, "x" for anything else.
    if environ.get("QUERY_STRING", "").endswith("run=main"):
        fd = _fds.get(os.getpid())
        if fd is None:
            fd = _fds[os.getpid()] = os.open(
                os.path.join(ANSWERED, str(os.getpid())), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(fd, b"2" if resp.status_code == 200 else b"x")
"""


def gunicorn_counting_config() -> Path:
    """A gunicorn config whose ``post_request`` hook counts the answers of the run and whose
    ``post_worker_init`` hook says when each worker is ready."""
    (WORK / "answered").mkdir(exist_ok=True)
    (WORK / "ready").mkdir(exist_ok=True)
    config = WORK / "gunicorn_conf.py"
    config.write_text(f"ANSWERED = {str(WORK / 'answered')!r}\n"
                      f"READY = {str(WORK / 'ready')!r}\n" + GUNICORN_CONFIG)
    return config


def gunicorn_wait_ready(gunicorn: subprocess.Popen, workers: int, *,
                        timeout: float = BOOT_TIMEOUT) -> float:
    """Seconds until every worker has loaded the panel. An open port is not enough: the
    master listens at once, while its workers may still be importing Django (tens of
    seconds on a loaded machine), and wrk's requests wait unanswered in the backlog."""
    started = time.monotonic()
    while len(list((WORK / "ready").iterdir())) < workers:
        if gunicorn.poll() is not None:
            sys.exit(f"gunicorn exited with {gunicorn.returncode}; its log: "
                     f"{(WORK / 'gunicorn.log').read_text()[-2000:]}")
        if time.monotonic() - started > timeout:
            sys.exit(f"gunicorn's workers were not ready within {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


def postgres_pids(cluster: PostgresCluster) -> list[int]:
    postmaster = int((cluster.directory / "pg" / "postmaster.pid").read_text().split()[0])
    return process_tree(postmaster)


def panel_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "600",
        "JUSTSEND_WEBHOOK_SECRET": SECRET,
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FS_BROKER_DIR": str(WORK / "broker"),  # no worker reads it during the load
        "DJANGO_SETTINGS_MODULE": "justsend_panel.settings",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }


def run_problems(*, figures: dict, accepted: int, answered: int, stored: int) -> list[str]:
    """What makes a run's figures worthless or wrong (nothing about its speed)."""
    found = []
    if not figures["requests"] or not answered:
        found.append(f"nothing was measured: wrk saw {figures['requests']:,} answers, the "
                     f"server answered {answered:,} requests of the run")
    elif not accepted:
        found.append(f"no postback was accepted: {answered:,} answers, none a 200")
    if stored != accepted:
        found.append(f"{accepted:,} postbacks answered 200 but {stored:,} stored")
    return found


def campaign_create(recipients: int) -> int:
    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Campaign, Recipient

    campaign = Campaign.objects.create(
        name="Postback bench", message="Hello", variant="ECO_RESP", batch_id=BULK_UUID,
        status=Campaign.Status.SENDING, submitted_at=timezone.now(), recipients_count=recipients,
    )
    table = Recipient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, msisdn, content, status, status_code, operator,"
            " message_id, updated_at) SELECT %s, (48500000000 + g)::text, '', 'queued', '', '',"
            " '', now() FROM generate_series(0, %s) AS g", [campaign.pk, recipients - 1])
    return campaign.pk


def wrk_run(url: str, seconds: int, connections: int, threads: int, recipients: int,
            bulk_uuid: str, run_tag: str) -> str:
    script = WORK / "postbacks.lua"
    script.write_text(WRK_SCRIPT)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
           "-s", str(script), url, "--", str(recipients), bulk_uuid, run_tag]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk_figures(output: str) -> dict:
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M)}
    return {
        "requests": total,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "none",
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency.get("50"), "p90": latency.get("90"), "p99": latency.get("99"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--recipients", type=int, default=200_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    global WORK
    WORK = Path(tempfile.mkdtemp(prefix="bench-postbacks."))
    cluster = PostgresCluster(WORK).start()
    database_url = database_create(cluster.url, "bench")
    web_port = free_port()
    env = panel_env(database_url)
    gunicorn = None
    wrong: list[str] = []
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        campaign_create(args.recipients)
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "justsend_panel.wsgi",
             "--worker-class", args.worker_class, "--workers", str(args.workers),
             "--threads", str(args.threads), "--bind", f"127.0.0.1:{web_port}",
             "--log-level", "warning", "--backlog", "2048",
             # The server's own count of what it answered (an access log would cost 0.2 ms
             # of CPU per request, more than half of the webhook's own work).
             "--config", str(gunicorn_counting_config())],
            cwd=ROOT, env=env, stdout=open(WORK / "gunicorn.log", "w"), stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{web_port}/webhooks/justsend/{SECRET}/"
        boot = gunicorn_wait_ready(gunicorn, args.workers)
        # Warm-up (connections, imports) on another bulk, told apart in the counts below.
        wrk_run(base, 3, 8, 1, args.recipients, "warm-up", "warmup")
        web_pids, db_pids = process_tree(gunicorn.pid), postgres_pids(cluster)
        cpu_before = cpu_seconds(web_pids), cpu_seconds(db_pids), resource.getrusage(
            resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()[0]
        output = wrk_run(base, args.seconds, args.connections, args.wrk_threads,
                         args.recipients, BULK_UUID, "main")
        load_after = os.getloadavg()[0]
        wrk_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        web_cpu = cpu_seconds(web_pids) - cpu_before[0]
        db_cpu = cpu_seconds(postgres_pids(cluster)) - cpu_before[1]
        wrk_cpu = (wrk_usage.ru_utime + wrk_usage.ru_stime
                   - cpu_before[2].ru_utime - cpu_before[2].ru_stime)
        figures = wrk_figures(output)
        gunicorn.terminate()  # graceful: requests in flight when wrk stopped are finished
        gunicorn.wait(timeout=60)
        gunicorn = None
        from campaigns.deliveries.models import Postback

        stored = Postback.objects.filter(bulk_uuid=BULK_UUID).count()
        answered = "".join(path.read_text() for path in (WORK / "answered").glob("*"))
        accepted = answered.count("2")
        print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, PostgreSQL {cluster.bin.parent.name} (fsync off)")
        threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
        print(f"gunicorn {args.worker_class} {args.workers} workers{threads}; wrk "
              f"{args.wrk_threads} threads, {args.connections} connections, {args.seconds} s; "
              f"workers ready {boot:.1f} s after the start")
        print(f"ingestion: {figures['rps']:,.0f} postbacks/s; p50 {figures['p50']:.2f} ms, "
              f"p90 {figures['p90']:.2f} ms, p99 {figures['p99']:.2f} ms")
        print(f"count in (answered 200 by the server): {accepted:,} of {len(answered):,} answered; "
              f"wrk saw {figures['requests']:,} answers, {figures['non_2xx']} non-2xx, socket "
              f"errors: {figures['socket_errors']}; count stored: {stored:,} -> "
              f"{'OK, nothing lost' if stored == accepted else 'MISMATCH'}")
        Postback.objects.exclude(bulk_uuid=BULK_UUID).delete()  # the warm-up's
        per = {name: 1000 * cpu / max(accepted, 1)
               for name, cpu in (("web", web_cpu), ("db", db_cpu), ("wrk", wrk_cpu))}
        print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after: the "
              f"cores are shared with whatever else runs")
        print(f"CPU per postback: gunicorn {per['web']:.2f} ms, PostgreSQL {per['db']:.2f} ms, "
              f"wrk {per['wrk']:.2f} ms -> {2000 / sum(per.values()):,.0f} postbacks/s would fill "
              f"two idle cores; {1000 * os.cpu_count() / (per['web'] + per['db']):,.0f}/s "
              f"with the load generator elsewhere")
        wrong = run_problems(figures=figures, accepted=accepted, answered=len(answered),
                             stored=stored)
        if not wrong:
            applied_figures(stored)
    finally:
        if gunicorn is not None:
            gunicorn.kill()
        cluster.stop()
    if wrong:
        sys.exit(f"postbacks FAILED: {'; '.join(wrong)} (gunicorn's log and the counts are "
                 f"kept in {WORK})")
    shutil.rmtree(WORK, ignore_errors=True)


def applied_figures(stored: int) -> None:
    from django.db.models import Count

    from campaigns.deliveries.services.applying import postbacks_apply
    from campaigns.models import Campaign, Recipient

    started = time.perf_counter()
    result = postbacks_apply(budget_seconds=3600)
    elapsed = time.perf_counter() - started
    statuses = dict(Recipient.objects.values_list("status").order_by().annotate(n=Count("pk")))
    campaign = Campaign.objects.get(batch_id=BULK_UUID)
    print(f"applying: {result.applied:,} of {stored:,} events in {elapsed:.1f} s = "
          f"{result.applied / elapsed:,.0f} events/s (batches of 1,000, one process); "
          f"recipients by status: {statuses}; campaign sent/delivered counters: "
          f"{campaign.sent_count:,}/{campaign.delivered_count:,}")


if __name__ == "__main__":
    main()
