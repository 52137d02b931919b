"""What a case observed, the verdict on it and the table: pure functions, unit-tested."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

RECOVERY_BOUND = 120.0  # seconds from the restart (or the fault's end) to the outcome

# "enforce" (make faults): a recovery slower than its bound fails the case. "report" (CI, on
# a machine of unknown speed): the time is printed and marked slow, and only what is wrong
# whatever the speed fails: a duplicate, a loss, a 500, work never finished (waited for
# three times as long).
BOUNDS = "enforce"


def deadline(bound: float) -> float:
    """How long a case waits for its outcome before calling it "did not recover"."""
    return bound + 10 if BOUNDS == "enforce" else 3 * bound


@dataclass
class CaseResult:
    case: str
    sent: int = 0
    delivered: int = 0
    duplicated: int = 0
    lost: int = 0
    errors_500: int = 0
    recovery: float | None = None  # seconds; None: never recovered
    bound: float = RECOVERY_BOUND
    notes: list[str] = field(default_factory=list)  # what went wrong: each fails the case
    info: list[str] = field(default_factory=list)  # printed beside the verdict only
    log_excerpt: str = ""

    @property
    def failures(self) -> list[str]:
        reasons = []
        if self.duplicated:
            reasons.append(f"{self.duplicated} duplicated")
        if self.lost:
            reasons.append(f"{self.lost} lost")
        if self.errors_500:
            reasons.append(f"{self.errors_500} answers 500")
        if self.recovery is None:
            reasons.append("did not recover")
        elif self.slow and BOUNDS == "enforce":
            reasons.append(f"recovered in {self.recovery:.0f} s > {self.bound:.0f} s")
        return reasons + self.notes

    @property
    def slow(self) -> bool:
        return self.recovery is not None and self.recovery > self.bound

    @property
    def passed(self) -> bool:
        return not self.failures


def duplicates_count(charged: Iterable[str]) -> int:
    """Charges beyond the first per number (one entry per number per bulk of the case)."""
    return sum(times - 1 for times in Counter(charged).values() if times > 1)


def losses_count(*, expected: Iterable[str], final: Iterable[str]) -> int:
    """Numbers expected to end in a final status that did not."""
    return len(set(expected) - set(final))


HEADER = ("case", "sent", "delivered", "duplicated", "lost", "500s", "recovery (s) / bound",
          "verdict")


def table_render(results: list[CaseResult]) -> str:
    """A Markdown table, one row per case, the reasons of a failure in its verdict."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    for r in results:
        recovery = "never" if r.recovery is None else f"{r.recovery:.1f}"
        verdict = "PASS" if r.passed else "FAIL: " + "; ".join(r.failures)
        if r.passed and r.slow:
            verdict += f" (slow: {r.recovery:.0f} s > {r.bound:.0f} s, not enforced)"
        if r.info:
            verdict += " (" + "; ".join(r.info) + ")"
        lines.append(f"| {r.case} | {r.sent:,} | {r.delivered:,} | {r.duplicated:,} | "
                     f"{r.lost:,} | {r.errors_500:,} | {recovery} / {r.bound:.0f} | {verdict} |")
    return "\n".join(lines)


def exit_code(results: list[CaseResult]) -> int:
    return 0 if results and all(r.passed for r in results) else 1
