"""bench.smsmanager_send fails only on wrong counts, never on speed."""

from bench.smsmanager_send import problems


def run(**changes):
    result = {"status": "sending", "failure": "", "recipients": {"submitted": 25},
              "call_states": {"sent": 3}}
    return {**result, **changes}


NUMBERS = [f"48500000{i:03d}" for i in range(25)]


def test_every_recipient_accepted_once_in_answered_calls_is_no_problem():
    assert problems(run(), size=25, accepted=NUMBERS) == []


def test_a_number_accepted_twice_or_missing_is_a_problem():
    twice = problems(run(), size=25, accepted=[*NUMBERS[:-1], NUMBERS[0]])
    assert twice == ["the simulator accepted 25 messages to 24 numbers, expected 25 once each"]
    assert problems(run(), size=25, accepted=NUMBERS[:-1]) == [
        "the simulator accepted 24 messages to 24 numbers, expected 25 once each"]


def test_recipients_in_doubt_calls_not_answered_or_a_failed_campaign_are_problems():
    found = problems(run(status="failed", failure="refused",
                         recipients={"submitted": 15, "in_doubt": 10},
                         call_states={"sent": 2, "in_doubt": 1}), size=25, accepted=NUMBERS)
    assert found == [
        "campaign failed: refused",
        "recipients {'submitted': 15, 'in_doubt': 10}, expected 25 submitted",
        "calls {'sent': 2, 'in_doubt': 1}, expected 3 answered",
    ]
