"""The provider send benchmarks (bench.provider_send) fail only on wrong counts, never on
speed; the calls expected follow the provider's recipients per call."""

from bench import justcall_send, smsby_send, smsmanager_send
from bench.provider_send import problems


def run(**changes):
    result = {"status": "sending", "failure": "", "recipients": {"submitted": 25},
              "call_states": {"sent": 3}}
    return {**result, **changes}


NUMBERS = [f"48500000{i:03d}" for i in range(25)]


def test_every_recipient_accepted_once_in_answered_calls_is_no_problem():
    assert problems(run(), size=25, per_call=10, accepted=NUMBERS) == []


def test_a_number_accepted_twice_or_missing_is_a_problem():
    twice = problems(run(), size=25, per_call=10, accepted=[*NUMBERS[:-1], NUMBERS[0]])
    assert twice == ["the simulator accepted 25 messages to 24 numbers, expected 25 once each"]
    assert problems(run(), size=25, per_call=10, accepted=NUMBERS[:-1]) == [
        "the simulator accepted 24 messages to 24 numbers, expected 25 once each"]


def test_recipients_in_doubt_calls_not_answered_or_a_failed_campaign_are_problems():
    found = problems(run(status="failed", failure="refused",
                         recipients={"submitted": 15, "in_doubt": 10},
                         call_states={"sent": 2, "in_doubt": 1}), size=25, per_call=10, accepted=NUMBERS)
    assert found == [
        "campaign failed: refused",
        "recipients {'submitted': 15, 'in_doubt': 10}, expected 25 submitted",
        "calls {'sent': 2, 'in_doubt': 1}, expected 3 answered",
    ]


def test_the_calls_expected_follow_each_providers_recipients_per_call():
    """SMS Manager: 10 per call; JustCall: one call per recipient; SMS.by: a mailing of
    SMSBY_MAILING_SIZE."""
    assert smsmanager_send.BENCH.recipients_per_call == 10
    assert problems(run(call_states={"sent": 25}), size=25,
                    per_call=justcall_send.BENCH.recipients_per_call, accepted=NUMBERS) == []
    assert problems(run(call_states={"sent": 3}), size=25,
                    per_call=smsby_send.bench(10).recipients_per_call, accepted=NUMBERS) == []
    assert problems(run(call_states={"sent": 24}), size=25, per_call=1, accepted=NUMBERS) == [
        "calls {'sent': 24}, expected 25 answered"]
