"""Gradescope's results.json (the autograder specification's format), from `lab grade`'s scores.

Top level: score (the figure `lab grade` prints as Score: N/M), execution_time, output (the
table), visibility; tests[]: one entry per test (name "lab01 Suite.Test", score, max_score,
status "passed"/"failed", output: why it failed, trimmed, visibility), one per lab that did not
build, one per performance case. Tests that came from --hidden are "after_due_date" (students see
them once the deadline has passed), the others "visible".
"""
from __future__ import annotations

import re
from pathlib import Path

from . import performance
from .scoring import LabScore, bare_suite, fmt_points, total

OUTPUT_LIMIT = 2000
TEST_MACRO = re.compile(r"\b(TEST|TEST_F|TEST_P|TYPED_TEST)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)")


def hidden_tests(hidden_dir: Path | None, lab_id: str) -> set[tuple[str, str]]:
    """(suite, test) of every test defined in hidden_dir/<lab id>/*.cpp."""
    if not hidden_dir or not (Path(hidden_dir) / lab_id).is_dir():
        return set()
    found = set()
    for source in sorted((Path(hidden_dir) / lab_id).glob("*.cpp")):
        found |= {(m.group(2), m.group(3)) for m in TEST_MACRO.finditer(source.read_text())}
    return found


def is_hidden(name: str, hidden: set[tuple[str, str]]) -> bool:
    """Suite.Test, or Prefix/Suite.Test/Param for TEST_P, against the hidden (suite, test)."""
    suite, _, test = name.partition(".")
    return (bare_suite(suite), test.split("/", 1)[0]) in hidden


def trim(text: str, limit: int = OUTPUT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + " ... (cut)"


def num(value) -> float:
    return round(float(value), 6)


def entry(name: str, score, max_score, passed: bool, output: str,
          visibility: str = "visible") -> dict:
    return {"name": name, "score": num(score), "max_score": num(max_score),
            "status": "passed" if passed else "failed", "output": trim(output),
            "visibility": visibility}


def lab_entries(s: LabScore, hidden: set[tuple[str, str]]) -> list[dict]:
    if s.state == "not built":
        return []
    if s.state != "graded":
        tests = [entry(f"{s.id} {s.title}: {s.state}", 0, s.points, False,
                       s.note or f"{s.id}: {s.state}, so the lab scores 0")]
    else:
        tests = [entry(f"{s.id} {t.name}", t.earned, t.points, t.status != "failed", t.reason,
                       "after_due_date" if is_hidden(t.name, hidden) else "visible")
                 for t in s.tests]
    perf = s.performance
    if perf and perf.counted:
        if perf.cases:
            tests += [entry(f"{s.id} performance: {case.name}", case.earned, case.points,
                            case.earned == case.points, performance.describe(case, perf))
                      for case in perf.cases]
        else:
            tests.append(entry(f"{s.id} performance", 0, perf.points, False, perf.message))
    return tests


def results(scores: list[LabScore], output: str, seconds: float,
            hidden_dir: Path | None = None) -> dict:
    earned, points = total(scores)
    tests = [item for s in scores for item in lab_entries(s, hidden_tests(hidden_dir, s.id))]
    return {
        "score": float(fmt_points(earned)),
        "execution_time": int(seconds),
        "output": trim(output, 20000) + ("" if output.rstrip().endswith(
            f"Score: {fmt_points(earned)}/{fmt_points(points)}") else
            f"\n\nScore: {fmt_points(earned)}/{fmt_points(points)}"),
        "visibility": "visible",
        "tests": tests,
    }
