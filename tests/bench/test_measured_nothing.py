"""A benchmark that measured nothing (no answer, no recipient, no row) or lost what it
counted exits non-zero, so that CI's smoke run fails; speed never fails a benchmark."""

from bench.campaign_send import send_problems
from bench.contacts_import import import_problems
from bench.postbacks import run_problems

WRK = {"requests": 2_065, "non_2xx": 0}


def test_postbacks_answered_and_stored_alike_is_no_problem():
    assert run_problems(figures=WRK, accepted=2_097, answered=2_097, stored=2_097) == []


def test_postbacks_with_no_answer_measured_nothing():
    # What a run against gunicorn workers still loading the panel gave: wrk saw 0 answers.
    found = run_problems(figures={"requests": 0, "non_2xx": 0}, accepted=0, answered=0,
                         stored=0)
    assert found == ["nothing was measured: wrk saw 0 answers, the server answered 0 "
                     "requests of the run"]


def test_postbacks_answered_but_none_accepted_or_not_all_stored_are_problems():
    assert run_problems(figures=WRK, accepted=0, answered=2_097, stored=0) == [
        "no postback was accepted: 2,097 answers, none a 200"]
    assert run_problems(figures=WRK, accepted=2_097, answered=2_097, stored=2_000) == [
        "2,097 postbacks answered 200 but 2,000 stored"]


def sent(**changes):
    return {"status": "sending", "failure": "", "recipients": 9_600, **changes}


def test_campaign_send_to_every_recipient_but_the_blacklisted_is_no_problem():
    assert send_problems(sent(), size=10_000, blacklist=2_000) == []


def test_campaign_send_to_no_recipient_or_another_count_is_a_problem():
    assert send_problems(sent(recipients=0), size=10_000, blacklist=2_000) == [
        "sent to 0 recipients, expected 9,600"]
    assert send_problems(sent(recipients=None), size=10_000, blacklist=2_000) == [
        "sent to 0 recipients, expected 9,600"]
    assert send_problems(sent(status="failed", failure="no credit"), size=10_000,
                         blacklist=2_000) == ["campaign failed: no credit"]


TOTALS = {"imported": 9_700, "invalid": 100, "duplicates": 200}


def test_contacts_import_with_every_row_accounted_for_is_no_problem():
    assert import_problems(rows=10_000, state="finished", totals=TOTALS, in_table=9_700,
                           failed=[]) == []


def test_contacts_import_that_imported_nothing_or_lost_a_worker_is_a_problem():
    nothing = {"imported": None, "invalid": None, "duplicates": None}
    assert import_problems(rows=10_000, state="running", totals=nothing, in_table=0,
                           failed=[["python", "-m", "bench.contacts_import"]]) == [
        "worker process failed: ['python', '-m', 'bench.contacts_import']",
        "import running",
        "0 rows counted (imported + invalid + duplicates) of 10,000",
        "0 imported, 0 in the table",
    ]
    assert import_problems(rows=10_000, state="finished", totals=TOTALS, in_table=9_000,
                           failed=[]) == ["9,700 imported, 9,000 in the table"]
