"""`lab stress [N] [LAB...] [--preset P] [--yours]`: the concurrency labs' tests, N times.

A concurrency bug that shows once in a hundred runs passes a single `lab test` almost always.
Repeating the whole selection N times (one ctest run per repetition, tests in parallel as usual,
so they also disturb each other's timing) turns "passed once" into a failure rate per test:
every test that failed at least once is listed with its count and its first failure message.
The exit status is 0 only when no test failed in any repetition. The reference tests by default
(the course's own gate, in CI); --yours runs the same tests on the starter, the student's code
(the default in a student copy, which has no reference).
"""
from __future__ import annotations

import time
from collections import Counter

from .course import STATE_DIR, UsageError, concurrency_labs, find_lab, is_student_copy, load_labs
from .runner import TestCase, build_tests, ctest, default_preset, ensure_dependencies, say
from .summary import first_reason


def report(failures: Counter, reasons: dict[str, str], repetitions: int) -> None:
    if not failures:
        return
    print(f"\n{'test':<78}{'failed':>10}{'rate':>8}")
    for name, count in failures.most_common():
        print(f"{name:<78}{f'{count}/{repetitions}':>10}{100 * count / repetitions:>7.1f}%")
        print(f"    first failure: {reasons[name][:200]}")


def parse_words(words: list[str]) -> tuple[int, list[str]]:
    """[N] [LAB...]: a leading whole number is N (default 20), the rest name labs."""
    repetitions = 20
    if words and words[0].isdigit():
        repetitions = int(words[0])
        words = words[1:]
    if repetitions < 1:
        raise UsageError("N must be at least 1")
    return repetitions, words


def cmd_stress(args) -> int:
    args.repetitions, names = parse_words(args.words)
    labs = [find_lab(load_labs(), name) for name in names] if names else concurrency_labs()
    variant = "starter" if args.yours or is_student_copy() else "solution"
    if variant == "solution":
        labs = [lab for lab in labs if lab.has_solution]
        if not labs:
            raise UsageError("no lab with a reference solution selected: --yours stresses your code")
    ensure_dependencies()
    preset = args.preset or default_preset()
    build_tests(preset, labs, variant)

    label = "(" + "|".join(lab.id for lab in labs) + ")"
    junit = STATE_DIR / "junit" / f"stress_{preset}.xml"
    failures: Counter = Counter()
    reasons: dict[str, str] = {}
    ran = 0
    start = time.monotonic()
    whose = "your code" if variant == "starter" else "the reference"
    say(f"stress: the tests of {' '.join(lab.id for lab in labs)} on {whose}, "
        f"{args.repetitions} times ({preset})")
    for repetition in range(1, args.repetitions + 1):
        cases: list[TestCase] = ctest(preset, [variant, label], junit).cases
        ran = len(cases)
        failed = [case for case in cases if case.status == "failed"]
        for case in failed:
            failures[case.name] += 1
            reasons.setdefault(case.name, first_reason(case.output))
        print(f"  repetition {repetition}/{args.repetitions}: {ran - len(failed)}/{ran} passed"
              f"{'  FAILED: ' + ', '.join(c.short_name for c in failed[:3]) if failed else ''}"
              f"  ({time.monotonic() - start:.0f} s)", flush=True)
    report(failures, reasons, args.repetitions)
    runs = ran * args.repetitions
    if failures:
        print(f"\nstress FAILED: {len(failures)} of {ran} tests failed at least once in "
              f"{args.repetitions} repetitions ({sum(failures.values())} of {runs} runs)")
        return 1
    print(f"\nstress: all {ran} tests passed {args.repetitions} times ({runs} runs, "
          f"{time.monotonic() - start:.0f} s)")
    return 0


def register(verbs) -> None:
    stress = verbs.add_parser(
        "stress", help="repeat the concurrency labs' reference tests N times; list every flake")
    stress.add_argument("words", nargs="*", metavar="[N] [LAB]",
                        help="how many times to run every test (default 20), then the labs "
                             "(default: the concurrency labs, \"tsan\": true in labs.json)")
    stress.add_argument("--preset", choices=["dev", "ci", "tsan"],
                        help="dev (ASan+UBSan, default; ci when CI is set) or tsan")
    stress.add_argument("--yours", action="store_true",
                        help="your code (the starter) instead of the reference; the default in a "
                             "student copy")
    stress.set_defaults(func=cmd_stress)
