"""The fault suite's accounting and verdict (the suite itself runs with `make faults`)."""

from faults.verdict import (CaseResult, duplicates_count, exit_code, losses_count,
                            table_render)


def test_a_number_charged_in_two_bulks_of_one_campaign_is_one_duplicate():
    assert duplicates_count(["48500", "48501", "48500"]) == 1
    assert duplicates_count(["48500", "48500", "48500", "48501"]) == 2
    assert duplicates_count(["48500", "48501"]) == 0


def test_a_number_without_a_final_status_is_lost():
    assert losses_count(expected=["1", "2", "3"], final=["1", "3"]) == 1
    assert losses_count(expected=["1", "2"], final=["2", "1", "9"]) == 0


def test_a_clean_case_within_its_bound_passes():
    result = CaseResult("clean", sent=10, delivered=10, recovery=12.5)
    assert result.passed and exit_code([result]) == 0


def test_any_duplicate_loss_500_or_slow_recovery_fails_the_run():
    failing = [
        CaseResult("dup", duplicated=1, recovery=1),
        CaseResult("lost", lost=3, recovery=1),
        CaseResult("500", errors_500=2, recovery=1),
        CaseResult("slow", recovery=121),
        CaseResult("never", recovery=None),
        CaseResult("noted", recovery=1, notes=["campaign ended failed"]),
    ]
    for result in failing:
        assert not result.passed, result.case
        assert exit_code([CaseResult("ok", recovery=1), result]) == 1
    assert exit_code([]) == 1  # a run that checked nothing proves nothing


def test_the_table_has_a_row_per_case_with_its_reasons():
    table = table_render([CaseResult("ok", sent=2000, delivered=2000, recovery=3.25),
                          CaseResult("bad", sent=5, duplicated=5, lost=1, recovery=None)])
    lines = table.splitlines()
    assert len(lines) == 4
    assert lines[2] == "| ok | 2,000 | 2,000 | 0 | 0 | 0 | 3.2 / 120 | PASS |"
    assert lines[3].endswith("| never / 120 | FAIL: 5 duplicated; 1 lost; did not recover |")


def test_in_report_mode_a_slow_recovery_is_printed_not_failed(monkeypatch):
    from faults import verdict

    monkeypatch.setattr(verdict, "BOUNDS", "report")
    slow = CaseResult("slow", sent=5, delivered=5, recovery=130)
    assert slow.passed and exit_code([slow]) == 0
    assert table_render([slow]).splitlines()[2].endswith(
        "| 130.0 / 120 | PASS (slow: 130 s > 120 s, not enforced) |")
    # What is wrong whatever the speed still fails.
    for wrong in (CaseResult("dup", duplicated=1, recovery=130), CaseResult("never")):
        assert not wrong.passed
    assert verdict.deadline(120) == 360


def test_enforced_bounds_wait_just_past_the_bound():
    from faults import verdict

    assert verdict.BOUNDS == "enforce"
    assert verdict.deadline(120) == 130


def test_information_is_printed_beside_the_verdict_without_failing():
    result = CaseResult("storm", sent=2, delivered=2, recovery=30, info=["90 s from the launch"])
    assert result.passed
    assert table_render([result]).splitlines()[2].endswith("| PASS (90 s from the launch) |")
