"""The fault cases. Each one sets a fault up, drives the panel through its services (as a
view would), watches the database and the sandbox, and returns a CaseResult.

"Duplicated" is counted on the sandbox's side: a number charged in more than one bulk named
after the campaign. "Lost": a recipient with no final status, an import row missing from
the group, a member not at Justsend. The recovery time is measured from the restart (or
the end of the fault) to the moment everything is final.
"""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Callable

import httpx

from faults.harness import Panel, wait_for
from campaigns.exceptions import CampaignError
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS
from faults import verdict
from faults.verdict import RECOVERY_BOUND, CaseResult, duplicates_count, losses_count

# "cancelled" and "failed": the unsent recipients of a cancelled or failed campaign.
FINAL_RECIPIENT = ("delivered", "undelivered", "expired", "rejected", "cancelled", "failed")
FINAL_CAMPAIGN = ("finished", "cancelled", "failed")
RATE_FAULTS = {"rate_429": 0.3, "retry_after": 1, "rate_500": 0.1}
_numbers = iter(range(500_000_000, 800_000_000, 100_000))  # a fresh number block per audience


def _user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="faults")
    return user


def campaign_launch(name: str, size: int, **fields):
    """A group of ``size`` members and a campaign to it, launched as the compose page does."""
    from campaigns.models import Campaign
    from campaigns.services import campaign_launch as launch
    from contacts.models import Group, Member

    start = next(_numbers)
    group = Group.objects.create(name=f"{name} audience", member_count=size)
    Member.objects.bulk_create(
        (Member(group=group, msisdn=f"48{start + i}", name=f"Anna{i % 97}",
                surname=f"Nowak{i % 89}") for i in range(size)), batch_size=5000)
    campaign = Campaign.objects.create(
        name=name, message="Wiosenna wyprzedaż {name}: -20% do niedzieli.", variant="ECO",
        bulk_type="PERSONALIZED", created_by=_user(), **fields)
    campaign.groups.set([group])
    # Under the 429/500 switches the launch's balance check can be refused too: the user
    # clicks again, as often as it takes.
    for _attempt in range(30):
        try:
            launch(campaign=campaign, user=_user())
            return campaign
        except (CampaignError, *TRANSIENT_ERRORS) as error:
            if not isinstance(error.__cause__ or error, TRANSIENT_ERRORS):
                raise
            time.sleep(0.5)
    raise RuntimeError("the launch was refused 30 times")


def parallel(*calls: Callable[[], object]) -> list:
    """Run the calls in threads (each with its own database connection); their results."""
    from django.db import connection

    results: list = [None] * len(calls)

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except Exception as error:  # reported by the caller as a crashed case
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def _status(campaign_id: int) -> str:
    from campaigns.models import Campaign

    return Campaign.objects.values_list("status", flat=True).get(pk=campaign_id)


def _sandbox_charged(panel: Panel, bulk_name: str) -> list[str]:
    return [row[0] for row in panel.sandbox_rows(
        "SELECT r.msisdn FROM recipients r JOIN bulks b ON b.id = r.bulk_id"
        " WHERE b.kind = 'BULK' AND b.name = ?", (bulk_name,))]


def _campaign_done(campaign_id: int) -> bool:
    from campaigns.models import Campaign, Recipient

    if _status(campaign_id) not in FINAL_CAMPAIGN:
        return False
    return not Recipient.objects.filter(campaign_id=campaign_id).exclude(
        status__in=FINAL_RECIPIENT).exists() or _status(campaign_id) == Campaign.Status.FAILED


def campaign_account(panel: Panel, result: CaseResult, campaign, *, expected: int,
                     since: float, timeout: float) -> CaseResult:
    """Wait until the campaign and its recipients are final; fill sent/delivered/lost/dups."""
    from campaigns.models import Campaign, Recipient

    done = wait_for(lambda: _campaign_done(campaign.pk), timeout=timeout, interval=1)
    if done:
        result.recovery = time.monotonic() - since
    campaign = Campaign.objects.get(pk=campaign.pk)
    charged = _sandbox_charged(panel, campaign.bulk_name)
    final = list(Recipient.objects.filter(campaign=campaign, status__in=FINAL_RECIPIENT)
                 .values_list("msisdn", flat=True))
    result.sent = len(set(charged))
    result.delivered = len(final)
    result.duplicated += duplicates_count(charged)
    bulks = panel.sandbox_rows("SELECT COUNT(*) FROM bulks WHERE kind = 'BULK' AND name = ?",
                               (campaign.bulk_name,))[0][0]
    if bulks > 1:
        result.notes.append(f"{bulks} bulks named after the campaign")
    if campaign.status == Campaign.Status.FAILED:
        result.notes.append(f"campaign failed: {campaign.failure_reason[:80]}")
    if campaign.status == Campaign.Status.CANCELLED:
        # Every number Justsend took must be final in the panel, as the sandbox says, and
        # the panel's cancelled recipients are exactly the ones the sandbox did not send.
        result.lost += losses_count(expected=charged, final=final)
        remote = {row[0] for row in panel.sandbox_rows(
            "SELECT r.msisdn FROM recipients r JOIN bulks b ON b.id = r.bulk_id"
            " WHERE b.kind = 'BULK' AND b.name = ? AND r.status = 'CANCELLED'",
            (campaign.bulk_name,))}
        local = set(Recipient.objects.filter(campaign=campaign, status="cancelled")
                    .values_list("msisdn", flat=True))
        if local != remote:
            result.lost += len(local ^ remote)
            result.notes.append(f"{len(local ^ remote):,} cancelled differ from the sandbox's")
    else:
        result.lost += max(expected - len(final), 0)
    if not done:
        result.notes.append(f"campaign {campaign.status} at the deadline")
        backlog = panel.sandbox_rows("SELECT COUNT(*) FROM outbox")[0][0]
        if backlog:
            result.notes.append(f"{backlog:,} postbacks still in the sandbox's outbox")
    return result


def _finish(panel: Panel, result: CaseResult, errors_before: int) -> CaseResult:
    result.errors_500 = panel.errors_500() - errors_before
    if not result.passed:
        result.log_excerpt = "\n".join(
            f"--- {name}\n{panel.log_tail(name, 8, notable=True)}"
            for name in [*panel.worker_names, "web"])
    return result


# -- the cases ---------------------------------------------------------------------------


# How long the rate storm lasts. Its rows' recovery is timed from its end, as every other
# fault's is; how long each took from its launch is in its notes.
STORM_SECONDS = 60.0


def case_rate_faults(panel: Panel) -> list[CaseResult]:
    """30% 429 (Retry-After) + 10% 500 for a minute: a JSON campaign, an upload campaign,
    and an import with its push, launched side by side into the storm."""
    errors = panel.errors_500()
    panel.faults(**RATE_FAULTS)
    started = time.monotonic()
    storm_end = started + STORM_SECONDS

    def storm() -> None:
        try:
            _sleep_until(storm_end)
        finally:
            panel.faults_off()

    def campaign_case(name: str, size: int) -> CaseResult:
        campaign = campaign_launch(f"Faults: {name}", size)
        _sleep_until(storm_end)
        return _storm_note(campaign_account(
            panel, CaseResult(name), campaign, expected=size, since=storm_end,
            timeout=verdict.deadline(RECOVERY_BOUND)))

    try:
        results = parallel(
            lambda: campaign_case("429 30% + 500 10% for 60 s: JSON campaign 2,000", 2000),
            lambda: campaign_case("429 30% + 500 10% for 60 s: upload campaign 15,000", 15000),
            lambda: _storm_note(case_import_and_push(
                panel, kill=False, faults=False, since=storm_end)),
            storm,
        )[:3]
    finally:
        panel.faults_off()
    return [_finish(panel, r, errors) for r in results]


def _storm_note(result: CaseResult) -> CaseResult:
    if result.recovery is not None:
        result.info.append(f"{STORM_SECONDS + result.recovery:.0f} s from the launch")
    return result


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _kill_case(panel: Panel, name: str, size: int, moment: Callable[[object], bool],
               setup: Callable[[], None] | None = None) -> CaseResult:
    errors = panel.errors_500()
    result = CaseResult(name)
    if setup:
        setup()
    campaign = campaign_launch(f"Faults: {name}", size)
    try:
        if not wait_for(lambda: moment(campaign), timeout=90, interval=0.05):
            result.notes.append("the moment to kill never came")
        panel.kill_workers()
    finally:
        panel.faults_off()
    panel.restart_workers()
    restarted = time.monotonic()
    return _finish(panel, campaign_account(
        panel, result, campaign, expected=size, since=restarted,
        timeout=verdict.deadline(RECOVERY_BOUND)), errors)


def case_kill_preparing(panel: Panel) -> CaseResult:
    # The upload path (over CAMPAIGN_UPLOAD_THRESHOLD, 10,000) writes 11,000 recipients:
    # killed while they are being written or streamed, before anything reached Justsend.
    return _kill_case(
        panel, "worker SIGKILL during preparation", 11000,
        lambda c: _status(c.pk) == "submitting")


def case_kill_around_call(panel: Panel) -> CaseResult:
    """The sandbox answers after 4 s; killed once the request is on its way."""
    def moment(campaign) -> bool:
        from campaigns.models import Campaign

        row = Campaign.objects.values("status", "recipients_count").get(pk=campaign.pk)
        if row["status"] == "submitting" and row["recipients_count"]:
            time.sleep(1.5)  # inside the 4 s the sandbox takes to answer
            return True
        return False

    return _kill_case(panel, "worker SIGKILL around the Justsend call", 2000, moment,
                      setup=lambda: panel.faults(latency_ms=4000))


def case_kill_polling(panel: Panel) -> CaseResult:
    return _kill_case(panel, "worker SIGKILL during polling", 2000,
                      lambda c: _status(c.pk) == "sending")


def case_two_recoveries(panel: Panel) -> CaseResult:
    """A campaign left in 'submitting' with no bulk recorded; two submit tasks at once."""
    from campaigns.models import Campaign
    from justsend_panel.celery import app as celery_app

    errors = panel.errors_500()
    result = CaseResult("two submit recoveries at once")
    panel.kill_workers()
    campaign = campaign_launch("Faults: two recoveries", 2000)
    # Launch queued it for the worker that is down: take the message's place.
    Campaign.objects.filter(pk=campaign.pk).update(status="submitting")
    for _ in range(2):
        celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk})
    panel.restart_workers()
    started = time.monotonic()
    return _finish(panel, campaign_account(panel, result, campaign, expected=2000,
                                           since=started, timeout=verdict.deadline(RECOVERY_BOUND)),
                   errors)


def _fault_case(panel: Panel, name: str, size: int,
                fault: Callable[[object], None]) -> CaseResult:
    """Launch a campaign, apply ``fault`` to it, and time the recovery from its end."""
    errors = panel.errors_500()
    campaign = campaign_launch(f"Faults: {name}", size)
    fault(campaign)
    started = time.monotonic()
    return _finish(panel, campaign_account(panel, CaseResult(name), campaign, expected=size,
                                           since=started, timeout=verdict.deadline(RECOVERY_BOUND)),
                   errors)


def case_redis_restart(panel: Panel, redis) -> CaseResult:
    def fault(campaign) -> None:
        wait_for(lambda: _status(campaign.pk) != "queued", timeout=30, interval=0.1)
        redis.restart(down_seconds=5)

    return _fault_case(panel, "Redis restarted mid-run", 2000, fault)


def case_sandbox_down(panel: Panel) -> CaseResult:
    def fault(campaign) -> None:
        panel.kill("sandbox")
        time.sleep(60)
        panel.start("sandbox")
        panel.wait_ready(["sandbox"])

    return _fault_case(panel, "sandbox down for 60 s", 2000, fault)


def case_cancel_mid_send(panel: Panel) -> CaseResult:
    """Cancelled: every number Justsend took is final in the panel (campaign_account)."""
    from campaigns.services.cancelling import campaign_cancel

    sending = []

    def fault(campaign) -> None:
        from campaigns.models import Recipient

        sending.append(wait_for(lambda: _status(campaign.pk) == "sending", timeout=90,
                                interval=0.1))
        # Mid-send: once the first reports are in, so that some numbers are sent, some not.
        wait_for(lambda: Recipient.objects.filter(
            campaign_id=campaign.pk, status__in=["sent", "delivered"]).exists(),
            timeout=60, interval=0.2)
        campaign_cancel(campaign=campaign, user=_user())

    result = _fault_case(panel, "cancel mid-send", 15000, fault)
    if not sending[0]:
        result.notes.append("cancelled before the send: the case was not exercised")
    return result


POISON = [
    b'{"id": 1, "msisdn": "\\ud800", "uuid": "x", "deliveryTime": 1}',  # lone surrogate
    b'{"id": 2, "msisdn": "48500\\u0000", "uuid": "x\\u0000", "deliveryTime": 1}',  # NUL
    b"[" * 5000 + b"]" * 5000,  # deep JSON
    b'{"id": 3, "deliveryStatus": "DELIVERED", "uuid": "' + b"\xff\xfe" + b'"}',  # not UTF-8
]


def case_poison_postbacks(panel: Panel) -> CaseResult:
    """2,000 recipients 'at Justsend'; their 4,000 valid postbacks with poison among them."""
    from django.utils import timezone

    from campaigns.models import Campaign, Recipient

    errors = panel.errors_500()
    result = CaseResult("poison postbacks among 2,000 valid")
    start = next(_numbers)
    bulk_uuid = str(uuid.uuid4())
    # Finished at Justsend (the poller leaves it alone); its postbacks still come in.
    campaign = Campaign.objects.create(
        name="Faults: poison postbacks", message="Hello", variant="ECO_RESP",
        batch_id=bulk_uuid, status=Campaign.Status.FINISHED, submitted_at=timezone.now(),
        recipients_count=2000)
    numbers = [f"48{start + i}" for i in range(2000)]
    Recipient.objects.bulk_create(Recipient(campaign=campaign, msisdn=n) for n in numbers)
    now_ms = int(time.time() * 1000)
    bodies = []
    for index, msisdn in enumerate(numbers):
        base = {"id": 9_000_000 + index, "sender": "Faults", "msisdn": msisdn,
                "operator": "PLUS", "deliveryTime": now_ms, "uuid": bulk_uuid}
        bodies.append(json.dumps(base).encode())
        bodies.append(json.dumps({**base, "deliveryStatus": "MESSAGE_DELIVERED",
                                  "ackId": 8_000_000 + index}).encode())
        if index % 50 == 0:
            bodies.append(POISON[(index // 50) % len(POISON)])
    refused = 0
    failures: list[str] = []
    lock = threading.Lock()

    def post(chunk: list[bytes]) -> None:
        nonlocal refused
        with httpx.Client(timeout=30) as client:
            for body in chunk:
                try:
                    answer = client.post(panel.webhook_url(), content=body,
                                         headers={"Content-Type": "application/json"})
                except httpx.HTTPError as error:
                    with lock:
                        failures.append(repr(error))
                    continue
                if 400 <= answer.status_code < 500:
                    with lock:
                        refused += 1

    threads = [threading.Thread(target=post, args=(bodies[i::8],)) for i in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = wait_for(lambda: Recipient.objects.filter(
        campaign=campaign, status="delivered").count() == 2000, timeout=120, interval=1)
    if done:
        result.recovery = time.monotonic() - started
    result.sent = len(bodies)
    result.delivered = Recipient.objects.filter(campaign=campaign, status="delivered").count()
    result.lost = 2000 - result.delivered
    if failures:
        result.notes.append(f"{len(failures)} requests got no answer ({failures[0][:60]})")
    print(f"# poison postbacks: {refused} of {len(bodies)} refused with a 4xx", flush=True)
    return _finish(panel, result, errors)


def case_import_and_push(panel: Panel, *, kill: bool | str, faults: bool,
                         since: float | None = None) -> CaseResult:
    """A 20,000-row CSV into a new Justsend group: every row a member, every member pushed.

    ``kill``: True (or "import") kills the workers once the first members are written;
    "push" once the members' push to Justsend is running.
    """
    from django.core.files.base import ContentFile

    from contacts.imports.csvfile import format_detect
    from contacts.imports.mapping import mapping_guess
    from contacts.imports.services import import_create, import_start
    from contacts.models import Group, Import, Member, SyncOperation
    from contacts.services.groups import group_create

    kill_at = "import" if kill is True else (kill or None)
    name = {"import": "worker SIGKILL during an import and its push",
            "push": "worker SIGKILL during a push",
            None: "429 30% + 500 10% for 60 s: import 20,000 and its push"}[kill_at]
    errors = panel.errors_500()
    result = CaseResult(name)
    start = next(_numbers)
    numbers = [f"48{start + i}" for i in range(20000)]
    content = ("telefon;imie\n" + "".join(f"{n};Anna\n" for n in numbers)).encode()
    group = group_create(name=f"Faults import {start}")
    if faults:
        panel.faults(**RATE_FAULTS)
    file_format = format_detect(io.BytesIO(content))
    job = import_create(uploaded=ContentFile(content, name="faults.csv"),
                        file_format=file_format, mapping=mapping_guess(file_format), group=group)
    import_start(job=job, mapping=job.mapping, skip_blacklisted=False)
    if since is not None:  # timed from that moment (a fault's end), once it has come
        _sleep_until(since)
    restarted = time.monotonic() if since is None else since
    try:
        if kill_at:
            moment = {
                "import": lambda: Member.objects.filter(group=group).exists(),
                "push": lambda: SyncOperation.objects.filter(
                    group=group, kind=SyncOperation.Kind.MEMBERS_ADD, state="running").exists(),
            }[kill_at]
            if not wait_for(moment, timeout=90, interval=0.05):
                result.notes.append(f"the {kill_at} never started")
            panel.kill_workers()
            panel.restart_workers()
            restarted = time.monotonic()

        def pushed() -> int:
            remote = Group.objects.values_list("remote_id", flat=True).get(pk=group.pk)
            if remote is None:
                return 0
            return panel.sandbox_rows("SELECT COUNT(*) FROM group_members WHERE group_id = ?",
                                      (remote,))[0][0]

        done = wait_for(lambda: Import.objects.get(pk=job.pk).state == "finished"
                        and pushed() >= 20000, timeout=verdict.deadline(RECOVERY_BOUND), interval=1)
    finally:
        if faults:
            panel.faults_off()
    if done:
        result.recovery = time.monotonic() - restarted
    members = set(Member.objects.filter(group=group).values_list("msisdn", flat=True))
    result.sent = len(members)
    result.delivered = pushed()
    result.lost = losses_count(expected=numbers, final=members) + max(
        0, len(members) - result.delivered)
    job = Import.objects.get(pk=job.pk)
    if job.state != "finished":
        result.notes.append(f"import {job.state} at the deadline")
    return _finish(panel, result, errors)


def case_kill_pull(panel: Panel) -> CaseResult:
    """A 20,000-member group made in Justsend's own panel; the pull killed half-way."""
    from contacts.models import Group, Member, SyncOperation
    from contacts.services.pull import justsend_pull_request
    from justsend_panel.core.provider import provider_backend
    from justsend_panel.sms.registry import vocabulary

    Country = vocabulary("justsend").Country

    errors = panel.errors_500()
    result = CaseResult("worker SIGKILL during a pull")
    start = next(_numbers)
    numbers = [f"48{start + i}" for i in range(20000)]
    with provider_backend("justsend").client() as client:
        remote = client.create_group(name=f"Faults pull {start}", country=Country.POLAND)
        for index in range(0, len(numbers), 5000):
            client.batch_add_group_members(group_id=remote.id, msisdns=numbers[index:index + 5000])
    operation = justsend_pull_request(full=True)

    def members() -> int:
        return Member.objects.filter(group__remote_id=remote.id).count()

    if not wait_for(lambda: members() > 0 or SyncOperation.objects.filter(
            pk=operation.pk, state="running").exists(), timeout=90, interval=0.05):
        result.notes.append("the pull never started")
    panel.kill_workers()
    panel.restart_workers()
    restarted = time.monotonic()
    done = wait_for(lambda: members() >= 20000, timeout=verdict.deadline(RECOVERY_BOUND),
                    interval=1)
    if done:
        result.recovery = time.monotonic() - restarted
    pulled = set(Member.objects.filter(group__remote_id=remote.id)
                 .values_list("msisdn", flat=True))
    result.sent = 20000
    result.delivered = len(pulled)
    result.lost = losses_count(expected=numbers, final=pulled)
    if Group.objects.filter(remote_id=remote.id).count() > 1:
        result.notes.append("the group was pulled twice")
    return _finish(panel, result, errors)
