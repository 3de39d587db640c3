"""Scoring a lab from its ctest results: points per test, per group, per lab; the score table.

Pure (no I/O): tested on crafted and recorded JUnit in test_grade.py. How a lab is scored:
- Every starter test of the lab is one ctest test, run as its own process (gtest_discover_tests
  runs `<binary> --gtest_filter=Suite.Test`), so a crash or a timeout fails that test alone.
- A test earns its points when ctest reports it passed or skipped (a skipped test did not fail:
  GTEST_SKIP is used by the course only where the machine lacks something, e.g. strace).
  Failed, crashed and timed-out tests earn zero.
- labs.json gives each lab its points. Without "groups" every test weighs the same. With "groups"
  ({"EchoConformance": 10, "*": 10}) each key names a test suite (or a shell pattern matched against
  "Suite" or "Suite.Test"; a TEST_P suite matches without its instantiation prefix, so
  "EchoConformance" takes "Blocking/EchoConformance.EchoesOneMessage/Blocking"); "*" takes every
  test no other key took. The weights are relative: the
  groups that have tests share the lab's points in proportion to their weights, and a group's
  share is split evenly over its tests.
- A lab whose folder is not written yet is "not built yet": 0 of 0, not counted. A lab whose
  starter does not compile scores 0 of its points.
- Points are exact fractions; shown rounded DOWN to one decimal, so "20/20" is never shown for
  19.96. Exit status 0 only at full marks (and at least one lab graded).
"""
from __future__ import annotations

import fnmatch
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from . import performance
from .course import Lab
from .runner import TestCase
from .summary import first_reason


@dataclass
class TestScore:
    name: str          # Suite.Test
    status: str        # passed, failed, skipped
    group: str
    points: Fraction
    earned: Fraction
    reason: str = ""   # why it failed (first line that says so)


@dataclass
class GroupScore:
    name: str
    passed: int
    total: int
    earned: Fraction
    points: Fraction


@dataclass
class LabScore:
    id: str
    title: str
    state: str                      # graded, not built, build failed, no tests
    points: Fraction                # what the lab is worth in this run (0 when not counted)
    earned: Fraction = Fraction(0)
    tests: list[TestScore] = field(default_factory=list)
    groups: list[GroupScore] = field(default_factory=list)
    note: str = ""                  # e.g. a build failure's first errors
    performance: performance.PerformanceScore | None = None

    @property
    def all_passed(self) -> bool:
        return self.state == "graded" and self.total > 0 and self.passed == self.total

    @property
    def passed(self) -> int:
        return sum(1 for test in self.tests if test.status != "failed")

    @property
    def total(self) -> int:
        return len(self.tests)


def failure_reason(case: TestCase) -> str:
    """Why a test failed, in one line. A test process that died (abort, signal, sanitizer report,
    or killed at ctest's time limit) leaves no gtest verdict: say so rather than show noise."""
    output = case.output
    for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                   "WARNING: ThreadSanitizer"):
        for line in output.splitlines():
            if marker in line:
                return line.strip()
    has_verdict = any(tag in output for tag in ("[  FAILED  ]", "[       OK ]", "[  SKIPPED ]"))
    if "[ RUN      ]" in output and not has_verdict:
        reason = first_reason(output)
        if reason.startswith("[ RUN"):
            reason = ""
        return (f"crashed or timed out after {case.seconds:.1f} s (the test process ended without "
                f"a verdict){': ' + reason if reason else ''}")
    return first_reason(output)


def suite_of(short_name: str) -> str:
    return short_name.split(".", 1)[0]


def bare_suite(short_name: str) -> str:
    """The suite without a TEST_P instantiation prefix (Blocking/X -> X)."""
    return suite_of(short_name).rsplit("/", 1)[-1]


def group_of(short_name: str, groups: dict) -> str:
    """The first group (in labs.json order, "*" last) whose key matches the test."""
    for key in groups:
        if key == "*":
            continue
        if any(fnmatch.fnmatchcase(name, key)
               for name in (bare_suite(short_name), suite_of(short_name), short_name)):
            return key
    return "*"


def score_lab(lab: Lab, cases: list[TestCase] | None, *, state: str = "graded") -> LabScore:
    """Scores one lab from its ctest results (cases of this lab only).

    state "not built" (the lab is not written yet) counts 0 of 0; "build failed" counts 0 of the
    lab's points; a graded lab with no test at all counts 0 of its points ("no tests")."""
    if state == "not built":
        return LabScore(lab.id, lab.title, state, Fraction(0))
    points = Fraction(lab.points)
    if state != "graded":
        return LabScore(lab.id, lab.title, state, points)
    if not cases:
        return LabScore(lab.id, lab.title, "no tests", points)

    weights = {key: Fraction(value) for key, value in (lab.groups or {"*": 1}).items()}
    weights.setdefault("*", Fraction(0))
    members: dict[str, list[TestCase]] = {key: [] for key in weights}
    for case in cases:
        members[group_of(case.short_name, weights)].append(case)
    # Only groups that have tests share the points; weights are relative.
    live = {key: weight for key, weight in weights.items() if members[key] and weight > 0}
    weight_sum = sum(live.values())
    result = LabScore(lab.id, lab.title, "graded", points)
    for key, group_cases in members.items():
        if not group_cases:
            continue
        group_points = points * live[key] / weight_sum if key in live else Fraction(0)
        each = group_points / len(group_cases)
        group = GroupScore(key, 0, len(group_cases), Fraction(0), group_points)
        for case in group_cases:
            ok = case.status != "failed"
            earned = each if ok else Fraction(0)
            group.passed += ok
            group.earned += earned
            result.tests.append(TestScore(
                case.short_name, case.status, key, each, earned,
                "" if ok else failure_reason(case)))
        result.earned += group.earned
        result.groups.append(group)
    return result


def cases_by_lab(cases: list[TestCase], lab_ids: list[str]) -> dict[str, list[TestCase]]:
    """Splits ctest's results by the lab prefix of their names (lab01.starter.Suite.Test)."""
    split: dict[str, list[TestCase]] = {lab_id: [] for lab_id in lab_ids}
    for case in cases:
        lab_id = case.name.split(".", 1)[0]
        if lab_id in split:
            split[lab_id].append(case)
    return split


def total(scores: list[LabScore]) -> tuple[Fraction, Fraction]:
    """Correctness and counted performance points: (earned, maximum)."""
    perf = [s.performance for s in scores if s.performance and s.performance.counted]
    earned = sum((s.earned for s in scores), Fraction(0)) + sum((p.earned for p in perf), 0)
    return earned, sum((s.points for s in scores), Fraction(0)) + sum((p.points for p in perf), 0)


def full_marks(scores: list[LabScore]) -> bool:
    earned, points = total(scores)
    return points > 0 and earned == points


def fmt_points(value: Fraction) -> str:
    """At most one decimal, rounded down: 20, 13.3, 6.6 (never shows 20 for 19.96)."""
    tenths = math.floor(value * 10)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def render(scores: list[LabScore], *, failures: int = 8) -> str:
    """The table `lab grade` prints."""
    lines = [f"{'lab':<7}{'title':<24}{'tests':>14}{'points':>12}"]
    for s in scores:
        if s.state == "not built":
            lines.append(f"{s.id:<7}{s.title:<24}{'not built yet':>14}{'0/0':>12}   (not counted)")
            continue
        if s.state != "graded":
            lines.append(f"{s.id:<7}{s.title:<24}{s.state:>14}"
                         f"{'0/' + fmt_points(s.points):>12}")
            lines += performance.render_lines(s.performance, fmt_points) if s.performance else []
            continue
        lines.append(f"{s.id:<7}{s.title:<24}{f'{s.passed}/{s.total} pass':>14}"
                     f"{fmt_points(s.earned) + '/' + fmt_points(s.points):>12}")
        if len(s.groups) > 1 or (s.groups and s.groups[0].name != "*"):
            for g in s.groups:
                label = "other tests (*)" if g.name == "*" else g.name
                lines.append(f"{'':<9}{label:<22}{f'{g.passed}/{g.total}':>14}"
                             f"{fmt_points(g.earned) + '/' + fmt_points(g.points):>12}")
        failed = [t for t in s.tests if t.status == "failed"]
        for test in failed[:failures]:
            reason = re.sub(r"see \S*README\.md, section", "see README section", test.reason)
            lines.append(f"{'':<9}FAIL {test.name}: {reason[:160]}")
        if len(failed) > failures:
            lines.append(f"{'':<9}... and {len(failed) - failures} more failing")
        if s.performance:
            lines += performance.render_lines(s.performance, fmt_points)
    earned, points = total(scores)
    lines.append("")
    lines.append(f"Score: {fmt_points(earned)}/{fmt_points(points)}")
    return "\n".join(lines)


def to_json(scores: list[LabScore]) -> dict:
    earned, points = total(scores)
    as_num = lambda value: round(float(value), 3)  # noqa: E731
    return {
        "score": as_num(earned), "max_score": as_num(points), "full_marks": full_marks(scores),
        "labs": [{
            "id": s.id, "title": s.title, "state": s.state,
            "passed": s.passed, "total": s.total,
            "earned": as_num(s.earned), "points": as_num(s.points),
            "groups": [{"name": g.name, "passed": g.passed, "total": g.total,
                        "earned": as_num(g.earned), "points": as_num(g.points)}
                       for g in s.groups],
            "tests": [{"name": t.name, "status": t.status, "group": t.group,
                       "earned": as_num(t.earned), "points": as_num(t.points),
                       "reason": t.reason} for t in s.tests],
            "performance": perf_json(s.performance, as_num),
        } for s in scores],
    }


def perf_json(perf: performance.PerformanceScore | None, as_num) -> dict | None:
    if perf is None:
        return None
    return {"state": perf.state, "counted": perf.counted, "earned": as_num(perf.earned),
            "points": as_num(perf.points), "full_at": perf.full_at, "zero_at": perf.zero_at,
            "message": perf.message,
            "cases": [{"name": c.name, "state": c.state, "earned": as_num(c.earned),
                       "points": as_num(c.points), "ratio": c.ratio, "spread": c.spread,
                       "student": c.student, "reference": c.reference,
                       "detail": performance.describe(c, perf)} for c in perf.cases]}
