"""The fault cases for the providers whose campaigns go in recorded calls (SMS Manager,
JustCall, SMS.by): each call is recorded before it is made and a call whose answer was lost
is *in doubt* (campaigns.services.provider_sending), unless the provider can find it again
by its reference (SMS.by's mailing name, ``calls_recover``). One set of cases, played per
provider through its :class:`Simulated` description: how its statuses arrive (callbacks
the simulator sends, or the beat's poll the panel under test runs every minute) and how
many recipients go per call.

"Duplicated" is counted on the simulator's side: a number of the case's audience accepted
in more than one request (``smsm_messages``/``jc_messages``/``smsby_sms``, one row per
accepted recipient). "In doubt": recipients left in doubt once every call is made and
every status the simulator had to give is applied; the case then sends them again through
the service (the campaign page's "send to the in-doubt recipients"), as the user would, and
they must be sent once. "Lost": a recipient with no final status at the end.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from faults import verdict
from faults.cases import (
    FINAL_RECIPIENT,
    RATE_FAULTS,
    STORM_SECONDS,
    _finish,
    _sleep_until,
    _status,
    _user,
    campaign_launch,
)
from faults.harness import SMSBY_MAILING_SIZE, Panel, wait_for
from faults.verdict import RECOVERY_BOUND, CaseResult, duplicates_count, losses_count

# Recipients of a provider's own statuses that still wait for a callback or a poll.
WAITING = ("queued", "submitted", "sent")
CALLBACKS = "callbacks"  # the simulator posts each status (campaigns.deliveries)
POLLING = "polling"  # the panel's beat polls them (campaigns.poll_provider_calls, every minute)


@dataclass(frozen=True)
class Simulated:
    """What the cases need to know of one provider and its simulator."""

    provider: str
    label: str
    accepted_sql: str  # one row (the number) per recipient the simulator accepted
    busy_sql: tuple[str, ...]  # counts of what the simulator still has to move or send
    send_path: str  # the sending endpoint, as the sandbox's request log names it
    campaign: dict = field(default_factory=dict)  # the campaign's provider fields
    size: int = 2000
    rate_size: int = 0  # the storm's campaign (0: ``size``)
    statuses: str = CALLBACKS  # how the recipients' statuses arrive: CALLBACKS or POLLING
    # Recipients per call at most (SMS Manager's calls group equal texts: fewer, of up to 10).
    per_call: int = 1
    # What an administrator sets on the Providers page before such a campaign.
    provider_setting: dict = field(default_factory=dict)
    # The provider finds a call by its reference (SMS.by's mailing name): a call whose answer
    # was lost is looked up, and made once more under that name when it is not there.
    finds_by_reference: bool = False

    @property
    def storm_size(self) -> int:
        return self.rate_size or self.size


SMSMANAGER = Simulated(
    provider="smsmanager", label="SMS Manager",
    accepted_sql="SELECT phone_number FROM smsm_messages",
    busy_sql=("SELECT COUNT(*) FROM smsm_messages WHERE status IN ('queued', 'sent')",
              "SELECT COUNT(*) FROM smsm_outbox"),
    send_path="/smsmanager/v2/messages",
    campaign={"provider": "smsmanager", "provider_options": {}},
    rate_size=3000, per_call=10,
)
# One recipient per call: a smaller audience than SMS Manager's ten per call.
JUSTCALL_FROM = "+14155551234"  # SMS-enabled in the simulator (JUSTCALL_SANDBOX_NUMBERS)
JUSTCALL = Simulated(
    provider="justcall", label="JustCall",
    accepted_sql="SELECT ltrim(recipient, '+') FROM jc_messages",
    busy_sql=("SELECT COUNT(*) FROM jc_messages WHERE status IN ('queued', 'sent')",
              "SELECT COUNT(*) FROM jc_outbox"),
    send_path="/justcall/v2/texts/send",
    campaign={"provider": "justcall", "provider_options": {}, "sender": JUSTCALL_FROM},
    size=600,
    # Its From number, and a pace of 50 calls a second for the one-recipient calls.
    provider_setting={"from_numbers": [JUSTCALL_FROM], "rate_limit": 50},
)
# Mailings (sendBulkSms) of SMSBY_MAILING_SIZE recipients, named <reference>-<seq>; no
# callback: the beat polls statusBulkSms. A lost answer is looked up by the mailing's name.
SMSBY_ALPHANAME = "4242"  # an alpha name id, as the Providers page's default sender
SMSBY = Simulated(
    provider="smsby", label="SMS.by",
    accepted_sql="SELECT phone FROM smsby_sms WHERE kind = 'bulk'",
    busy_sql=("SELECT COUNT(*) FROM smsby_sms WHERE status IN ('new', 'sent')",),
    send_path="/smsby/api/v1/sendBulkSms",
    campaign={"provider": "smsby", "provider_options": {}, "sender": SMSBY_ALPHANAME},
    size=1000, rate_size=2000, statuses=POLLING, per_call=SMSBY_MAILING_SIZE,
    provider_setting={"default_sender": SMSBY_ALPHANAME}, finds_by_reference=True,
)


def provider_prepare(simulated: Simulated) -> None:
    """What an administrator sets on the Providers page before such a campaign."""
    from justsend_panel.core.models import ProviderSetting

    if simulated.provider_setting:
        ProviderSetting.objects.update_or_create(
            provider=simulated.provider, defaults=simulated.provider_setting)


def _numbers(campaign_id: int) -> set[str]:
    from campaigns.models import Recipient

    return set(Recipient.objects.filter(campaign_id=campaign_id).values_list("msisdn", flat=True))


def sandbox_accepted(panel: Panel, numbers: set[str], simulated: Simulated = SMSMANAGER) -> list[str]:
    """The case's numbers, once per time the simulator accepted them."""
    return [row[0] for row in panel.sandbox_rows(simulated.accepted_sql) if row[0] in numbers]


def _settled(panel: Panel, campaign_id: int, simulated: Simulated) -> bool:
    """Every call made and answered (or in doubt), every notification the simulator had
    to send sent and applied: what is still in doubt now stays so without the user."""
    from campaigns.models import ProviderCall, Recipient
    from campaigns.deliveries.models import ProviderNotification

    if _status(campaign_id) not in ("sending", "finished", "cancelled", "failed"):
        return False
    if ProviderCall.objects.filter(campaign_id=campaign_id, state="recorded").exists():
        return False
    if Recipient.objects.filter(campaign_id=campaign_id, status__in=WAITING).exists():
        return False  # polled: the beat's next minute moves them
    if any(panel.sandbox_rows(sql)[0][0] for sql in simulated.busy_sql):
        return False
    return not ProviderNotification.objects.filter(provider=simulated.provider,
                                                   state="pending").exists()


def _done(campaign_id: int) -> bool:
    from campaigns.models import Recipient

    return _status(campaign_id) == "finished" and not Recipient.objects.filter(
        campaign_id=campaign_id).exclude(status__in=FINAL_RECIPIENT).exists()


def in_doubt_settle(panel: Panel, result: CaseResult, campaign, *, expected: int,
                    since: float, simulated: Simulated = SMSMANAGER) -> CaseResult:
    """Wait for the campaign's calls and statuses (callbacks, or the beat's polls); count
    the in-doubt recipients; send them again as the user would; wait until every recipient
    is final; account."""
    from campaigns.deliveries.models import ProviderNotification
    from campaigns.models import ProviderCall, Recipient
    from campaigns.services.provider_sending import campaign_in_doubt_count, \
        campaign_in_doubt_resend

    timeout = verdict.deadline(RECOVERY_BOUND)
    if not wait_for(lambda: _settled(panel, campaign.pk, simulated), timeout=timeout, interval=1):
        result.notes.append(f"calls or {simulated.statuses} unsettled at the deadline "
                            f"({_status(campaign.pk)})")
    numbers = _numbers(campaign.pk)
    accepted_before = len(set(sandbox_accepted(panel, numbers, simulated)))
    in_doubt = campaign_in_doubt_count(campaign=campaign)
    states = Counter(ProviderCall.objects.filter(campaign=campaign)
                     .values_list("state", flat=True))
    result.info.append(f"{in_doubt:,} in doubt after the send")
    result.info.append("calls " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))
    again = ProviderCall.objects.filter(campaign=campaign, attempts__gt=1).count()
    if again:  # not found by its reference after a lost answer: made once more, same name
        result.info.append(f"{again:,} made again under their reference")
    # In doubt and at the simulator: a callback, or the lookup by reference, should have
    # settled it.
    doubtful = set(Recipient.objects.filter(campaign=campaign, status="in_doubt")
                   .values_list("msisdn", flat=True))
    accepted_doubtful = doubtful & set(sandbox_accepted(panel, numbers, simulated))
    if accepted_doubtful:
        settler = "called back" if simulated.statuses == CALLBACKS else "holds their call"
        result.notes.append(f"{len(accepted_doubtful):,} in doubt though the simulator took them "
                            f"and {settler}")
    if in_doubt:
        resent = campaign_in_doubt_resend(campaign=campaign, user=_user())
        result.info.append(f"{resent:,} sent again by the user's choice "
                           f"({accepted_before:,} at the simulator before)")
    done = wait_for(lambda: _done(campaign.pk), timeout=timeout, interval=1)
    if done:
        result.recovery = time.monotonic() - since
    else:
        result.notes.append(f"campaign {_status(campaign.pk)} at the deadline")
    charged = sandbox_accepted(panel, numbers, simulated)
    final = list(Recipient.objects.filter(campaign=campaign, status__in=FINAL_RECIPIENT)
                 .values_list("msisdn", flat=True))
    result.sent = len(set(charged))
    result.delivered = len(final)
    result.duplicated += duplicates_count(charged)
    # Every recipient of the audience final, and none missing from it.
    result.lost += max(losses_count(expected=numbers, final=final), expected - len(final), 0)
    left = Recipient.objects.filter(campaign=campaign, status="in_doubt").count()
    if left:
        result.notes.append(f"{left:,} still in doubt at the end")
    bad = ProviderNotification.objects.filter(provider=simulated.provider).exclude(
        state__in=["pending", "applied"]).count()
    if bad:
        result.info.append(f"{bad:,} {simulated.label} notifications unmatched or quarantined")
    return result


def case_recorded_rate_faults(panel: Panel, simulated: Simulated = SMSMANAGER) -> CaseResult:
    """30% 429 (Retry-After) + 10% 500 for 60 s on a campaign of personalised recipients
    (SMS Manager: 3,000, up to 10 per call; JustCall: 600, one per call; SMS.by: 2,000 in
    mailings of 100, polled)."""
    errors = panel.errors_500()
    size = simulated.storm_size
    name = f"{simulated.label}: 429 30% + 500 10% for 60 s, campaign {size:,}"
    began = datetime.now(UTC).isoformat(timespec="milliseconds")
    provider_prepare(simulated)
    panel.faults(**RATE_FAULTS)
    storm_end = time.monotonic() + STORM_SECONDS
    try:
        campaign = campaign_launch(f"Faults: {name}", size, **simulated.campaign)
        _sleep_until(storm_end)
    finally:
        panel.faults_off()
    answers = Counter(entry["status"] for entry in panel.control(
        "GET", "requests", params={"path": simulated.send_path})["requests"]
        if entry["time"] >= began)
    result = CaseResult(name, info=["calls answered during the storm: " + ", ".join(
        f"{status} {count:,}" for status, count in sorted(answers.items(), key=str))])
    result = in_doubt_settle(panel, result, campaign, expected=size, since=storm_end,
                             simulated=simulated)
    if result.recovery is not None:
        result.info.append(f"{STORM_SECONDS + result.recovery:.0f} s from the launch")
    return _finish(panel, result, errors)


def case_recorded_kill_call(panel: Panel, *, hang: bool = False,
                      simulated: Simulated = SMSMANAGER) -> CaseResult:
    """The workers SIGKILLed 1.5 s after a call was recorded (on its way), then restarted:
    the rest is sent, the call in doubt is never re-sent on its own.

    ``hang=False``: the simulator answers after 4 s, so it takes the killed call: its
    callbacks settle the recipients in doubt, or (a provider that finds a call by its
    reference, SMS.by) the next worker finds it by name before sending the rest.
    ``hang=True``: it holds the call and answers 504 without taking it, so they stay in
    doubt until the user sends them again; a provider that finds a call by its reference
    (SMS.by) makes it once more under the same name instead. That one looks up each
    timed-out call before the next (the lookups hang too), so it is killed during its first.
    """
    from campaigns.models import ProviderCall

    errors = panel.errors_500()
    size = simulated.size
    taken = "call never taken" if hang else "call taken"
    name = f"{simulated.label}: worker SIGKILL mid-call ({taken}), campaign {size:,}"
    result = CaseResult(name)
    killed = []
    kill_at = 1 if hang and simulated.finds_by_reference else 3
    try:
        if not hang:
            panel.faults(latency_ms=4000)
        provider_prepare(simulated)
        campaign = campaign_launch(f"Faults: {name}", size, **simulated.campaign)
        if hang:
            # After the launch: its price and balance reads go to Justsend, which would hang too.
            panel.faults(timeout=True)

        def on_its_way() -> bool:
            # A few calls in: the kill lands mid-campaign, mid-call.
            if ProviderCall.objects.filter(campaign=campaign, state="recorded",
                                           sequence__gte=kill_at).exists():
                time.sleep(1.5)
                return True
            return False

        if not wait_for(on_its_way, timeout=120, interval=0.05):
            result.notes.append("the moment to kill never came")
        panel.kill_workers()
        killed = list(ProviderCall.objects.filter(campaign=campaign, state="recorded")
                      .values_list("sequence", "recipient_ids"))
    finally:
        panel.faults_off()
    panel.restart_workers()
    restarted = time.monotonic()
    result.info.append(f"killed during call {[seq for seq, _ in killed]} of "
                       f"{sum(len(ids) for _, ids in killed):,} recipients")
    result = in_doubt_settle(panel, result, campaign, expected=size, since=restarted,
                             simulated=simulated)
    result.info += killed_calls_describe(campaign, [seq for seq, _ in killed])
    return _finish(panel, result, errors)


def killed_calls_describe(campaign, sequences: list[int]) -> list[str]:
    """What became of the calls on their way at the kill: state, attempts (1: never made
    again) and batch id (SMS.by's ``mailing:<id>``: found again by the mailing's name)."""
    from campaigns.models import ProviderCall

    return [f"killed call {call.sequence}: {call.state}, {call.attempts} attempt"
            f"{'' if call.attempts == 1 else 's'}"
            + (f", batch {call.batch_id}" if call.batch_id else "")
            for call in ProviderCall.objects.filter(campaign=campaign, sequence__in=sequences)
            .order_by("sequence")]
