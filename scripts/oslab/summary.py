"""What a test run says to a person: why a test failed, in one line, and `lab check`'s summary."""
from __future__ import annotations

import re

from .course import Lab, Step
from .runner import TestRun

NOT_IMPLEMENTED = re.compile(r"not implemented: .*")


def first_reason(output: str) -> str:
    """The line that best says why a test failed: a not-implemented message, else a gtest failure."""
    match = NOT_IMPLEMENTED.search(output)
    if match:  # without gtest's wrapping: ..." thrown in the test body.
        return re.sub(r'"( thrown in the test body)?\.$', "", match.group(0))
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if "Failure" in line or "Timeout" in line or "Exception" in line:
            following = " ".join(part.strip() for part in lines[i + 1:i + 3])
            return f"{line.strip()} {following}".strip()
    return lines[-1].strip() if lines else "(no output)"


def summarise(lab: Lab, test_run: TestRun) -> None:
    """A run of the lab's starter tests: counts, the failures, the first failure in full."""
    print(f"\n{lab.id} - {lab.title} (your code)")
    print(f"  {test_run.passed} passed, {test_run.failed} failed, "
          f"{test_run.count('skipped')} skipped, of {test_run.total}")
    # Core exercises first, stretch parts ("Stretch" in the suite name) last.
    failures = sorted((case for case in test_run.cases if case.status == "failed"),
                      key=lambda case: "Stretch" in case.short_name)
    for case in failures[:15]:
        print(f"  FAIL {case.short_name}\n       {first_reason(case.output)[:300]}")
    if len(failures) > 15:
        print(f"  ... and {len(failures) - 15} more")
    if failures:
        first = failures[0]
        print(f"\n--- first failure in full: {first.name} ---")
        print(first.output.strip()[-6000:])
        print("--- end ---")


def step_results(lab: Lab, test_run: TestRun, upto: int) -> list[tuple[Step, int, int]]:
    """(step, passed, total) for steps 1..upto: each test counted in the step that owns it."""
    counts = {step.number: [0, 0] for step in lab.steps[:upto]}
    for case in test_run.cases:
        step = lab.step_of(case.short_name)
        if step is not None and step.number in counts:
            counts[step.number][1] += 1
            counts[step.number][0] += case.status != "failed"
    return [(step, *counts[step.number]) for step in lab.steps[:upto]]


def first_failing_step(results: list[tuple[Step, int, int]]) -> Step | None:
    return next((step for step, passed, total in results if passed < total), None)


def step_table(results: list[tuple[Step, int, int]]) -> None:
    """One line per step: `  ok    Step 1: Start and stop   5/5`."""
    width = max((len(step.title) for step, _, _ in results), default=10) + 2
    print()
    for step, passed, total in results:
        mark = "ok  " if passed == total else "FAIL"
        print(f"  {mark}  {step.title:<{width}}{passed}/{total} pass")
