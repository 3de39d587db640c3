"""`lab grade`: builds the starter variant of the labs, runs their tests, prints the score.

A lab whose starter does not compile scores 0 (its first errors are shown); the scores come from
scoring.py, on the JUnit ctest writes; labs with "performance" in labs.json are then measured
(performance.py). Exit status 0 only at full marks. --submission DIR grades a student's copy with
the course's tests (submission.py); --gradescope FILE writes Gradescope's results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from . import gradescope, performance, submission, submit_check
from .course import Lab, UsageError, display, find_lab, is_student_copy, load_labs
from .runner import (TestCase, build_dir, build_starter, configure, ctest, ensure_dependencies,
                     say)
from .scoring import LabScore, cases_by_lab, full_marks, render, score_lab, to_json, total

GRADE_PRESET = "dev"  # ASan+UBSan catch memory bugs; no -Werror: a warning must not cost points


def run_grading_tests(preset: str, lab_ids: list[str], junit: Path) -> list[TestCase]:
    """One ctest run over the starter tests of these labs, JUnit written by ctest itself."""
    say(f"running the starter tests of {' '.join(lab_ids)} (JUnit: {display(junit)})")
    return ctest(preset, ["starter", "(" + "|".join(lab_ids) + ")"], junit).cases


def grade_labs(selected: list[Lab], preset: str, hidden: str, junit: Path) -> list[LabScore]:
    """Configures, builds each lab's starter tests, runs them once, scores every lab."""
    present = [lab for lab in selected if lab.exists]
    failures: dict[str, str] = {}
    if present:
        ensure_dependencies()
        # Always passed, so an earlier --hidden does not linger in the build tree's cache.
        configure(preset, [f"-DOSLAB_EXTRA_TESTS_DIR={hidden}"])
        if hidden:
            say(f"hidden tests from {hidden}: "
                + (", ".join(p.name for p in sorted(Path(hidden).iterdir()) if p.is_dir())
                   or "(no lab folders)"))
        failures = {lab.id: error for lab in present if (error := build_starter(preset, lab))}
    built = [lab for lab in present if lab.id not in failures]
    cases = run_grading_tests(preset, [lab.id for lab in built], junit) if built else []
    per_lab = cases_by_lab(cases, [lab.id for lab in built])
    scores = []
    for lab in selected:
        if not lab.exists:
            scores.append(score_lab(lab, None, state="not built"))
        elif lab.id in failures:
            scores.append(score_lab(lab, None, state="build failed"))
            scores[-1].note = failures[lab.id]
        else:
            scores.append(score_lab(lab, per_lab[lab.id]))
    return scores


def add_performance(selected: list[Lab], scores: list[LabScore], enabled: bool) -> None:
    for lab, score in zip(selected, scores):
        if not lab.performance or not lab.exists:
            continue
        if not enabled:
            score.performance = performance.not_counted(lab, "skipped",
                                                        "skipped (--no-performance)")
            continue
        failing = score.total - score.passed if score.state == "graded" else score.total
        score.performance = performance.measure_lab(lab, score.all_passed, failing)


def cmd_grade(args) -> int:
    if args.submission:
        return submission.grade_submission(args)
    started = time.monotonic()
    labs = load_labs()
    selected = [find_lab(labs, name, must_exist=False) for name in args.labs] or labs
    selected = list({lab.id: lab for lab in selected}.values())
    hidden = ""
    if args.hidden:
        hidden_dir = Path(args.hidden).resolve()
        if not hidden_dir.is_dir():
            raise UsageError(f"--hidden {args.hidden}: no such directory")
        hidden = str(hidden_dir)
    preset = os.environ.get("OSLAB_PRESET") or GRADE_PRESET
    junit = Path(args.junit).resolve() if args.junit else build_dir(preset) / "grade-junit.xml"

    scores = grade_labs(selected, preset, hidden, junit)
    add_performance(selected, scores, not args.no_performance)
    notes = Path(args.notes).read_text().splitlines() if args.notes else []
    if is_student_copy() and not args.notes:
        notes += submit_check.changed_trusted_files()
    table = render(scores, failures=8 if len(selected) == 1 else 3)
    if notes:
        table = "\n".join(["Notes:", *(f"  {note}" for note in notes), "", table])
    print()
    print(table)
    for s in scores:
        if s.state == "no tests":
            print(f"{s.id}: no test of this lab ran, which scores 0, never full marks: does its "
                  f"tests/ define any TEST?")
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(scores), indent=2) + "\n")
        print(f"(JSON: {args.json}; ctest's JUnit: {display(junit)})")
    if args.gradescope:
        data = gradescope.results(scores, table, time.monotonic() - started,
                                  Path(hidden) if hidden else None)
        Path(args.gradescope).parent.mkdir(parents=True, exist_ok=True)
        Path(args.gradescope).write_text(json.dumps(data, indent=2) + "\n")
        print(f"(Gradescope results: {args.gradescope})")
    if not full_marks(scores):
        if total(scores)[1] == 0:
            print("Nothing to grade: none of these labs is built yet.")
        return 1
    return 0


def register(verbs) -> None:
    grade = verbs.add_parser(
        "grade", help="instructors: build the starter variant, run its tests, print the score")
    grade.add_argument("labs", nargs="*", metavar="LAB", help="lab numbers (default: every lab)")
    grade.add_argument("--junit", metavar="FILE",
                       help="where ctest writes its JUnit (default build/dev/grade-junit.xml)")
    grade.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    grade.add_argument("--hidden", metavar="DIR",
                       help="add hidden tests: DIR/<lab id>/*.cpp join that lab's tests")
    grade.add_argument("--gradescope", metavar="FILE",
                       help="also write Gradescope's results.json (hidden tests: after_due_date)")
    grade.add_argument("--submission", metavar="DIR",
                       help="grade the student copy at DIR with this course's tests (only its "
                            "starter/ folders are taken; DIR is left untouched)")
    grade.add_argument("--no-performance", action="store_true",
                       help="skip the performance points (labs.json \"performance\")")
    grade.add_argument("--notes", metavar="FILE", help=argparse.SUPPRESS)  # from --submission
    grade.set_defaults(func=cmd_grade)
